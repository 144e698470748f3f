/**
 * The coprocessor that lets Apollo Router stand in for our router: Apollo Router cannot sign
 * the proof our subgraphs require, so it calls this service at each stage of a request (see
 * stages.ts and router.yaml beside this folder). It stands on the same HTTP edge as every
 * other process, so that logs, request ids, body limits and the operational endpoints behave
 * alike everywhere, but answers errors in its own `{ error: message }` shape.
 */
import type { Server } from 'node:http';
import { Counter } from 'prom-client';
import { createEdge, type FastifyInstance } from '@supergraph/http';
import { createMetrics, type Logger, type Metrics } from '@supergraph/observability';
import { MalformedPayloadError, Stage, parsePayload } from './protocol.ts';
import { createStages, type StageDeps } from './stages.ts';

/** What {@link createCoprocessor} needs; index.ts builds it from the environment. */
export type CoprocessorDeps = StageDeps & {
  logger: Logger;
  /** Largest payload accepted from the router, in bytes. */
  maxBodyBytes?: number;
  /** The registry served at /metrics; a new one when not given. */
  metrics?: Metrics;
};

/**
 * With the request and subgraph stages sent headers and context but no body, a payload is a
 * few kilobytes; this leaves room for a router configured to send bodies as well.
 */
const DEFAULT_MAX_BODY_BYTES = 2_000_000;

const KNOWN_STAGES = new Set<string>(Object.values(Stage));

/** Fastify's codes for a body that did not parse as JSON. */
const NOT_JSON_CODES = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

/** Methods answered 405 at `/`, which takes POST only. */
const NOT_POST = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Builds the coprocessor without listening, so that tests choose the port. */
export async function createCoprocessor(deps: CoprocessorDeps): Promise<{
  app: FastifyInstance;
  /** The Node server the edge answers on, for `listen` and a bounded close. */
  http: Server;
  metrics: Metrics;
}> {
  const { logger } = deps;
  const metrics = deps.metrics ?? createMetrics('coprocessor');
  const decisions = new Counter({
    name: 'coprocessor_payloads_total',
    help: 'Payloads from Apollo Router, by stage and outcome (continued, refused, passed, malformed).',
    labelNames: ['stage', 'outcome'] as const,
    registers: [metrics.registry],
  });
  const handle = createStages(deps);
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  // The coprocessor's own wording where it has one, so that its answers do not change with
  // the edge's.
  const messages: Record<string, string> = {
    PAYLOAD_TOO_LARGE: `payload larger than ${maxBodyBytes} bytes`,
    INTERNAL_SERVER_ERROR: 'internal error',
  };
  const app = createEdge({
    logger,
    metrics,
    // It depends on nothing but its secrets, which start-up has already checked.
    ready: async () => ({}),
    maxBodyBytes,
    errorBody: (code, message) => ({ error: messages[code] ?? message }),
    notFoundBody: { error: 'not found' },
  });

  app.post('/', {
    // A body that is not JSON is a malformed payload like any other, and counted as one; every
    // other error goes on to the edge's handler.
    errorHandler(error, _request, reply) {
      if (!NOT_JSON_CODES.has(error.code)) throw error;
      decisions.inc({ stage: 'unknown', outcome: 'malformed' });
      return reply.code(400).send({ error: 'payload is not JSON' });
    },
    handler: async (request, reply) => {
      try {
        const payload = parsePayload(request.body);
        const { outcome, answer } = await handle(payload);
        // Stage names come from whoever posts: only the ones we act on become label values.
        decisions.inc({
          stage: KNOWN_STAGES.has(payload.stage) ? payload.stage : 'other',
          outcome,
        });
        return answer;
      } catch (error) {
        if (!(error instanceof MalformedPayloadError)) throw error;
        decisions.inc({ stage: 'unknown', outcome: 'malformed' });
        // A misconfigured router.yaml shows up here; the message names what is missing.
        logger.warn({ reason: error.message }, 'malformed coprocessor payload');
        return reply.code(400).send({ error: error.message });
      }
    },
  });
  app.route({
    method: NOT_POST,
    url: '/',
    handler: async (_request, reply) =>
      reply.code(405).header('allow', 'POST').send({ error: 'the coprocessor takes POST' }),
  });

  await app.ready();
  return { app, http: app.server, metrics };
}
