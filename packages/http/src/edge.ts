/**
 * The HTTP edge every process stands on: Fastify with our pino logger and request ids, the
 * body limit and JSON-only content-type parsing, CORS, the request-duration histogram, the
 * operational endpoints, and errors answered in JSON without a stack trace.
 */
import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import {
  REQUEST_ID_HEADER,
  requestIdFrom,
  timeHttpRequest,
  type Logger,
  type Metrics,
} from '@supergraph/observability';
import { graphQLErrorBody } from './errors.ts';
import { operationalRoutes, type ReadyCheck } from './operational-routes.ts';

/** Options for {@link createEdge}. */
export type EdgeOptions = {
  logger: Logger;
  metrics: Metrics;
  ready: ReadyCheck;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes?: number;
  /** Which browser origins may call; without it, no CORS headers are sent. */
  cors?: (origin: string) => boolean;
  /** The body of an error answer; GraphQL's shape unless the process speaks another. */
  errorBody?: (code: string, message: string) => unknown;
  /** The body of the answer for a path nothing serves. */
  notFoundBody?: unknown;
  /** Networks whose connections may read `/ready` and `/metrics`; loopback and private ones by default. */
  opsAllowCidrs?: readonly string[] | undefined;
};

/** Headers a browser may send cross-site once the preflight allows them. */
const ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  REQUEST_ID_HEADER,
  'traceparent',
  'tracestate',
];

/** Builds the edge, not listening; the caller adds its routes. */
export function createEdge(options: EdgeOptions): FastifyInstance {
  const { logger, metrics, maxBodyBytes = 1_000_000 } = options;
  const errorBody = options.errorBody ?? graphQLErrorBody;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Each process writes its own access line where it means something (the router's
    // `graphql request`); Fastify's two lines per request would double every log.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    bodyLimit: maxBodyBytes,
    // Bodies with prototype keys are refused rather than silently stripped.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: false,
  });

  // Only JSON bodies: a browser cannot send one cross-site without a CORS preflight, which is
  // what keeps form posts and text/plain requests from forging mutations.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    'application/graphql-response+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  app.addHook('onRequest', async (request, reply) => {
    timeHttpRequest(metrics, request.raw, reply.raw);
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  const allowed = options.cors;
  if (allowed) {
    // A preflight from an origin not on the list is refused outright, so that the browser's
    // console says why; other requests from it get no CORS headers and go on.
    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (request.method === 'OPTIONS' && !(origin && allowed(origin))) {
        return reply.code(403).send();
      }
    });
    void app.register(cors, {
      origin: (origin, done) => done(null, Boolean(origin && allowed(origin))),
      credentials: true,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: [REQUEST_ID_HEADER],
      maxAge: 600,
    });
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500 || status < 400) {
      logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
      return reply.code(500).send(errorBody('INTERNAL_SERVER_ERROR', 'Internal server error.'));
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        // The rest of the body is never read; closing is how the client learns to stop.
        return reply
          .code(413)
          .header('connection', 'close')
          .send(
            errorBody('PAYLOAD_TOO_LARGE', `Request body is larger than ${maxBodyBytes} bytes.`),
          );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply
          .code(415)
          .send(
            errorBody(
              'UNSUPPORTED_MEDIA_TYPE',
              'POST bodies must be JSON, with content-type: application/json.',
            ),
          );
      default:
        return reply
          .code(400)
          .send(
            errorBody(
              'BAD_REQUEST',
              error.code?.startsWith('FST_ERR_CTP') || error instanceof SyntaxError
                ? 'Request body is not valid JSON.'
                : 'The request could not be read.',
            ),
          );
    }
  });

  const notFoundBody = options.notFoundBody ?? { error: 'not found' };
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(notFoundBody));

  operationalRoutes(app, options);
  return app;
}
