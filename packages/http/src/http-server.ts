/**
 * A lean HTTP front for Apollo Server on node:http: GraphQL at /graphql plus the operational
 * endpoints every process answers. It enforces a body limit before parsing, turns malformed
 * requests into GraphQL-shaped 4xx answers, and never leaks a stack trace.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { context, trace } from '@opentelemetry/api';
import type { Logger } from '@supergraph/observability';
import {
  timeHttpRequest,
  type Metrics,
  REQUEST_ID_HEADER,
  requestIdFrom,
  withRequestScope,
  SpanKind,
  SpanStatusCode,
  extractTraceContext,
  tracer,
} from '@supergraph/observability';

export type ReadyCheck = () => Promise<Record<string, string>>;

export type RequestGate =
  | { ok: true }
  | {
      ok: false;
      status: number;
      code: string;
      message: string;
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
    };

/** The GraphQL parameters of a request, as far as they can be read before execution. */
export type GraphQLParams = {
  query: string | undefined;
  operationName: string | undefined;
  persistedQueryHash: string | undefined;
};

/** Options for {@link createGraphQLHttpServer}. */
export type GraphQLHttpOptions<C extends BaseContext> = {
  /** Names the process in traces. */
  service: string;
  apollo: ApolloServer<C>;
  /** Builds the per-request context; may throw a GraphQLError to refuse the request. */
  context: (req: IncomingMessage) => Promise<C>;
  logger: Logger;
  metrics: Metrics;
  /** Resolves with a map of failing dependencies to reasons; empty when ready. */
  ready: ReadyCheck;
  /** Runs before the body is read; a refusal answers at once. */
  gate?: (req: IncomingMessage) => RequestGate | Promise<RequestGate>;
  /** Runs once the GraphQL parameters are known, before Apollo parses or validates them. */
  inspect?: (params: GraphQLParams, req: IncomingMessage) => RequestGate | Promise<RequestGate>;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes?: number;
  /** Which browser origins may call; without it, no CORS headers are sent. */
  cors?: (origin: string) => boolean;
  /**
   * The level of the one line logged per GraphQL request: the router's are the access log;
   * a subgraph's repeat them, so they are debug there.
   */
  accessLogLevel?: 'info' | 'debug';
  /** Extra routes, such as a bundled GraphiQL, keyed by exact path. */
  routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>;
};

const JSON_TYPE = 'application/json; charset=utf-8';

/** Answers with a JSON body, its length known. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendGraphQLError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  extensions: Record<string, unknown> = {},
) {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...extensions } }] }, headers);
}

function refuse(res: ServerResponse, gate: Exclude<RequestGate, { ok: true }>) {
  sendGraphQLError(res, gate.status, gate.code, gate.message, gate.headers, gate.extensions);
}

const JSON_MEDIA_TYPE = /^application\/(graphql-response\+)?json\s*(;|$)/i;

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads the parameters from a POST body or a GET query string without trusting their shape. */
function graphQLParams(method: string, body: unknown, url: URL): GraphQLParams {
  let extensions: unknown;
  let source: Record<string, unknown> = {};
  if (method === 'GET') {
    source = Object.fromEntries(url.searchParams);
    try {
      extensions = JSON.parse(url.searchParams.get('extensions') ?? 'null');
    } catch {
      extensions = null;
    }
  } else if (body && typeof body === 'object' && !Array.isArray(body)) {
    source = body as Record<string, unknown>;
    extensions = source.extensions;
  }
  const persisted =
    extensions && typeof extensions === 'object'
      ? (extensions as { persistedQuery?: { sha256Hash?: unknown } }).persistedQuery
      : undefined;
  return {
    query: stringField(source.query),
    operationName: stringField(source.operationName),
    persistedQueryHash: stringField(persisted?.sha256Hash),
  };
}

export class BodyTooLargeError extends Error {}

/** Reads a request body of at most `limit` bytes; a larger one rejects with BodyTooLargeError. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering but leave the socket open, so that the 413 reaches the client; the
        // answer closes the connection and the rest of the body is never read.
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Codes of an operation that could not be run: not parsed, not valid, or bad variables. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
]);

function isRequestError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown };
    return (
      parsed.data === undefined &&
      Array.isArray(parsed.errors) &&
      parsed.errors.length > 0 &&
      parsed.errors.every((error: { extensions?: { code?: unknown } }) =>
        REQUEST_ERROR_CODES.has(String(error.extensions?.code)),
      )
    );
  } catch {
    return false;
  }
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * Answers the endpoints every process serves, the same everywhere: `/health` (alive), `/ready`
 * (200, or 503 naming each failing dependency) and `/metrics` (Prometheus text). Resolves false
 * for any other path, which is the caller's to answer.
 */
export async function serveOperational(
  path: string,
  res: ServerResponse,
  { ready, metrics }: { ready: ReadyCheck; metrics: Metrics },
): Promise<boolean> {
  switch (path) {
    case '/health':
      sendJson(res, 200, { status: 'ok' });
      return true;
    case '/ready': {
      const failures = await ready().catch((error: unknown) => ({ ready: String(error) }));
      const ok = Object.keys(failures).length === 0;
      sendJson(res, ok ? 200 : 503, ok ? { status: 'ready' } : { status: 'not ready', failures });
      return true;
    }
    case '/metrics': {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
      return true;
    }
    default:
      return false;
  }
}

export function createGraphQLHttpServer<C extends BaseContext>(
  options: GraphQLHttpOptions<C>,
): http.Server {
  const { apollo, logger, metrics, maxBodyBytes = 1_000_000 } = options;

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, url: URL) {
    const gate = await options.gate?.(req);
    if (gate && !gate.ok) {
      refuse(res, gate);
      return;
    }
    let body: unknown;
    if (req.method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      // Only JSON bodies: a browser cannot send one cross-site without a CORS preflight,
      // which is what keeps form posts and text/plain requests from forging mutations.
      if (!JSON_MEDIA_TYPE.test(type)) {
        req.resume();
        sendGraphQLError(
          res,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'POST bodies must be JSON, with content-type: application/json.',
        );
        return;
      }
      let text: string;
      try {
        text = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          sendGraphQLError(
            res,
            413,
            'PAYLOAD_TOO_LARGE',
            `Request body is larger than ${maxBodyBytes} bytes.`,
            { connection: 'close' },
          );
        } else {
          sendGraphQLError(res, 400, 'BAD_REQUEST', 'Could not read the request body.');
        }
        return;
      }
      try {
        body = JSON.parse(text);
      } catch {
        sendGraphQLError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON.');
        return;
      }
    }
    if (options.inspect) {
      const verdict = await options.inspect(graphQLParams(req.method ?? 'GET', body, url), req);
      if (!verdict.ok) {
        refuse(res, verdict);
        return;
      }
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method ?? 'GET',
        headers: toHeaderMap(req),
        search: url.search,
        body,
      },
      context: () => options.context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      if (
        res.statusCode === 400 &&
        response.headers.get('content-type')?.startsWith('application/json') &&
        isRequestError(response.body.string)
      ) {
        // GraphQL over HTTP: a client that accepts only application/json (the legacy format)
        // gets 200 for an operation that cannot run, with the reason in `errors`, as every
        // GraphQL client of that format expects. application/graphql-response+json keeps 400.
        res.statusCode = 200;
      }
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    switch (url.pathname) {
      case '/graphql':
        if (req.method !== 'GET' && req.method !== 'POST') {
          res.setHeader('allow', 'GET, POST');
          sendGraphQLError(res, 405, 'METHOD_NOT_ALLOWED', 'Use GET or POST.');
          return;
        }
        await handleGraphQL(req, res, url);
        return;
      default: {
        if (await serveOperational(url.pathname, res, options)) return;
        const extra = options.routes?.[url.pathname];
        if (extra) {
          await extra(req, res);
          return;
        }
        sendJson(res, 404, { error: 'not found' });
      }
    }
  }

  const spans = tracer(options.service);
  const accessLogLevel = options.accessLogLevel ?? 'debug';

  /**
   * A GraphQL request runs in its own scope: the request id (the caller's, when it sent a
   * well-formed one) on every log line, and a server span continuing the caller's trace.
   */
  function serveGraphQL(req: IncomingMessage, res: ServerResponse, started: bigint) {
    const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const parent = extractTraceContext(req.headers);
    const span = spans.startSpan(
      `${req.method ?? 'GET'} /graphql`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method ?? 'GET',
          'url.path': '/graphql',
          'request.id': requestId,
        },
      },
      parent,
    );
    const finished = () => {
      const status = res.statusCode;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      withRequestScope({ requestId }, () =>
        logger[accessLogLevel](
          {
            method: req.method,
            status,
            ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
            ...(res.writableFinished ? {} : { aborted: true }),
          },
          'graphql request',
        ),
      );
    };
    res.once('close', finished);
    return withRequestScope({ requestId }, () =>
      context.with(trace.setSpan(parent, span), () => route(req, res)),
    );
  }

  return http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    timeHttpRequest(metrics, req, res);
    const origin = req.headers.origin;
    if (origin && options.cors?.(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-expose-headers', REQUEST_ID_HEADER);
    }
    if (req.method === 'OPTIONS') {
      const allowed = Boolean(origin && options.cors?.(origin));
      if (allowed) {
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
        res.setHeader(
          'access-control-allow-headers',
          'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id, traceparent, tracestate',
        );
        res.setHeader('access-control-max-age', '600');
      }
      res.writeHead(allowed ? 204 : 403);
      res.end();
      return;
    }
    const graphql = req.url === '/graphql' || req.url?.startsWith('/graphql?');
    (graphql ? serveGraphQL(req, res, started) : route(req, res)).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'request failed');
      if (!res.headersSent)
        sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
      else res.end();
    });
  });
}
