/**
 * GraphQL at /graphql on the edge: Apollo Server through its Fastify integration, behind a gate
 * that runs before the body is read and an inspection that runs before Apollo parses. Each
 * request runs in its own scope: its id on every log line and a server span continuing the
 * caller's trace.
 */
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { context as otelContext, trace, type Context, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  extractTraceContext,
  SpanKind,
  SpanStatusCode,
  tracer,
  withRequestScope,
  type Logger,
} from '@supergraph/observability';
import { graphQLErrorBody, refuse, type Refusal } from './errors.ts';

/** A refusal, or leave to go on. */
export type RequestGate = { ok: true } | ({ ok: false } & Refusal);

/** The GraphQL parameters of a request, as far as they can be read before execution. */
export type GraphQLParams = {
  query: string | undefined;
  operationName: string | undefined;
  persistedQueryHash: string | undefined;
};

/** Options for {@link graphqlRoute}. */
export type GraphQLRouteOptions<C extends BaseContext> = {
  /** Names the process in traces. */
  service: string;
  apollo: ApolloServer<C>;
  logger: Logger;
  /** Builds the per-request context; may throw a GraphQLError to refuse the request. */
  context: (request: FastifyRequest) => Promise<C>;
  /** Runs before the body is read; a refusal answers at once. */
  gate?: (request: FastifyRequest) => RequestGate | Promise<RequestGate>;
  /** Runs once the GraphQL parameters are known, before Apollo parses or validates them. */
  inspect?: (params: GraphQLParams, request: FastifyRequest) => RequestGate | Promise<RequestGate>;
  /**
   * The level of the one line logged per GraphQL request: the router's are the access log;
   * a subgraph's repeat them, so they are debug there.
   */
  accessLogLevel?: 'info' | 'debug';
};

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads the parameters from a POST body or a GET query string without trusting their shape. */
function graphQLParams(request: FastifyRequest): GraphQLParams {
  let source: Record<string, unknown> = {};
  let extensions: unknown;
  if (request.method === 'GET') {
    source = (request.query ?? {}) as Record<string, unknown>;
    try {
      extensions = JSON.parse(stringField(source.extensions) ?? 'null');
    } catch {
      extensions = null;
    }
  } else if (request.body && typeof request.body === 'object' && !Array.isArray(request.body)) {
    source = request.body as Record<string, unknown>;
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

type Scope = { span: Span; parent: Context; started: bigint };

/** Serves GraphQL at /graphql on `app`. */
export function graphqlRoute<C extends BaseContext>(
  app: FastifyInstance,
  options: GraphQLRouteOptions<C>,
): void {
  const { logger } = options;
  const spans = tracer(options.service);
  const accessLogLevel = options.accessLogLevel ?? 'debug';
  const scopes = new WeakMap<FastifyRequest, Scope>();

  /** Runs `fn` in the request's scope: its id for the logs, its span for the traces. */
  function inScope<T>(request: FastifyRequest, fn: () => T): T {
    const scope = scopes.get(request);
    const run = () => withRequestScope({ requestId: request.id }, fn);
    return scope ? otelContext.with(trace.setSpan(scope.parent, scope.span), run) : run();
  }

  // Apollo's handler answers with the serialized response.
  app.route<{ Reply: string }>({
    method: ['GET', 'POST'],
    url: '/graphql',
    onRequest(request, reply, done) {
      const parent = extractTraceContext(request.headers);
      const span = spans.startSpan(
        `${request.method} /graphql`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'url.path': '/graphql',
            'request.id': request.id,
          },
        },
        parent,
      );
      const started = process.hrtime.bigint();
      scopes.set(request, { span, parent, started });
      reply.raw.once('close', () => {
        const status = reply.raw.statusCode;
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        withRequestScope({ requestId: request.id }, () =>
          logger[accessLogLevel](
            {
              method: request.method,
              status,
              ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
              ...(reply.raw.writableFinished ? {} : { aborted: true }),
            },
            'graphql request',
          ),
        );
      });
      if (!options.gate) {
        done();
        return;
      }
      const gate = options.gate;
      inScope(request, () => {
        Promise.resolve(gate(request)).then((verdict) => {
          if (verdict.ok) done();
          else refuse(reply, verdict);
        }, done);
      });
    },
    // Re-entered after the body is read, whose stream events run outside the request's scope;
    // the handler is called synchronously from `done`, so Apollo runs inside it.
    preHandler(request, reply, done) {
      inScope(request, () => {
        if (!options.inspect) {
          done();
          return;
        }
        Promise.resolve(options.inspect(graphQLParams(request), request)).then((verdict) => {
          if (verdict.ok) done();
          else refuse(reply, verdict);
        }, done);
      });
    },
    onSend(_request, reply, payload, done) {
      if (
        reply.statusCode === 400 &&
        typeof payload === 'string' &&
        String(reply.getHeader('content-type')).startsWith('application/json') &&
        isRequestError(payload)
      ) {
        // GraphQL over HTTP: a client that accepts only application/json (the legacy format)
        // gets 200 for an operation that cannot run, with the reason in `errors`, as every
        // GraphQL client of that format expects. application/graphql-response+json keeps 400.
        reply.code(200);
      }
      done(null, payload);
    },
    handler: fastifyApolloHandler(options.apollo, {
      context: (request) => options.context(request),
    }),
  });

  app.route({
    method: ['PUT', 'DELETE', 'PATCH'],
    url: '/graphql',
    handler: (_request, reply) =>
      reply
        .code(405)
        .header('allow', 'GET, POST')
        .send(graphQLErrorBody('METHOD_NOT_ALLOWED', 'Use GET or POST.')),
  });
}
