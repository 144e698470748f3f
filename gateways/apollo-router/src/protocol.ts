/**
 * Apollo Router's external coprocessor protocol, as far as this coprocessor speaks it. The
 * router POSTs one JSON document per stage of a request; the answer has the same shape. What
 * the answer leaves out, the router keeps as it was, and what it carries replaces the
 * router's own: `headers` replace every header of the request (or response), and each
 * `context` entry is written over the router's. At a request stage the answer must carry
 * `control`: "continue", or `{ "break": <HTTP status> }` to answer the client at once.
 */
import { z } from 'zod';

/** The only protocol version Apollo Router speaks so far; anything else is refused. */
export const PROTOCOL_VERSION = 1;

export const Stage = {
  routerRequest: 'RouterRequest',
  routerResponse: 'RouterResponse',
  subgraphRequest: 'SubgraphRequest',
} as const;

/** Header maps as the router sends them: lower-case names, each with all its values. */
export type HeaderMap = Record<string, string[]>;

export type Control = 'continue' | { break: number };

const payloadSchema = z.object({
  version: z.literal(PROTOCOL_VERSION, { message: `expected ${PROTOCOL_VERSION}` }),
  stage: z.string({ message: 'expected a stage name' }).min(1, 'expected a stage name'),
  id: z.string({ message: "expected the request's id" }).min(1, "expected the request's id"),
  control: z.unknown().optional(),
  headers: z
    .record(z.string(), z.array(z.string(), { message: 'expected a list of strings' }), {
      message: 'expected an object of header names to lists of values',
    })
    .optional(),
  context: z
    .object(
      {
        entries: z.record(z.string(), z.unknown(), { message: 'expected an object' }).default({}),
      },
      { message: 'expected an object with `entries`' },
    )
    .optional(),
  body: z.unknown().optional(),
  subgraphRequestId: z.string({ message: 'expected a string' }).optional(),
  serviceName: z.string({ message: 'expected a string' }).optional(),
});

/** One request from the router, checked. */
export type CoprocessorPayload = z.infer<typeof payloadSchema>;

/** What the coprocessor answers; optional parts the router keeps as they were. */
export type CoprocessorAnswer = {
  version: number;
  stage: string;
  id: string;
  control?: Control;
  headers?: HeaderMap;
  body?: unknown;
  context?: { entries: Record<string, unknown> };
  subgraphRequestId?: string;
};

/** A request the coprocessor cannot act on; the message says which part is wrong. */
export class MalformedPayloadError extends Error {
  override name = 'MalformedPayloadError';
}

/** Checks a parsed JSON body; throws {@link MalformedPayloadError} naming the first bad field. */
export function parsePayload(value: unknown): CoprocessorPayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedPayloadError('expected a JSON object');
  }
  const result = payloadSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : 'payload';
    throw new MalformedPayloadError(`${field}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** Every value of a header, in order, whatever the case of its name. */
export function headerValues(headers: HeaderMap | undefined, name: string): string[] {
  const wanted = name.toLowerCase();
  return Object.entries(headers ?? {})
    .filter(([key]) => key.toLowerCase() === wanted)
    .flatMap(([, values]) => values);
}

/** The first value of a header, whatever the case of its name. */
export function headerValue(headers: HeaderMap | undefined, name: string): string | undefined {
  return headerValues(headers, name)[0];
}

/** `headers` with `name` set to `values` (or removed when null), whatever the case it had. */
export function withHeader(headers: HeaderMap, name: string, values: string[] | null): HeaderMap {
  const wanted = name.toLowerCase();
  const next = Object.fromEntries(
    Object.entries(headers).filter(([key]) => key.toLowerCase() !== wanted),
  );
  if (values) next[wanted] = values;
  return next;
}
