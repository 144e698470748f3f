/**
 * Live subscriptions over Server-Sent Events (the graphql-sse library, distinct connections
 * mode) at /graphql/stream, with the usual `Authorization` header. Fastify has read and limited
 * the body; graphql-sse's own handler speaks the protocol, and this streams its events out with
 * backpressure: a write waits for the last one to flush.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { createHandler, type OperationArgs } from 'graphql-sse';
import type { FastifyInstance, FastifyRequest, RequestGate } from '@supergraph/http';
import { refuse } from '@supergraph/http';
import type { ConnectionLimits } from './connection-limits.ts';
import type { LiveService, Session } from './live-service.ts';
import type { LiveMetrics } from './live-metrics.ts';

export type SseTransportOptions = {
  app: FastifyInstance;
  service: LiveService;
  schema: () => GraphQLSchema | null;
  limits: ConnectionLimits;
  metrics: LiveMetrics;
  /** The router's request gate: the token and the caller's request budget. */
  gate: (request: FastifyRequest) => Promise<RequestGate>;
  clientIp: (request: FastifyRequest) => string;
  /** Unsent bytes past which a client counts as too slow. */
  maxBufferedBytes: number;
};

type Stream = AsyncGenerator<unknown, undefined>;

export function registerSseTransport(options: SseTransportOptions) {
  const { service, metrics } = options;
  const sessions = new WeakMap<IncomingMessage, Session>();
  const open = new Set<ServerResponse>();

  const handler = createHandler<IncomingMessage, { res: ServerResponse }, { stream: Stream }>({
    schema: () => options.schema() as GraphQLSchema,
    // Each request is its own stream: no reservations, no tokens of graphql-sse's own.
    authenticate: () => null,
    onSubscribe(req, params) {
      const session = sessions.get(req.raw);
      const res = req.context.res;
      if (!session) return { data: null, errors: [new GraphQLError('Not connected.')] };
      const live = service.subscribe({
        query: params.query,
        variables: params.variables,
        operationName: params.operationName,
        session,
        transport: 'sse',
        congested: () => res.writableLength > options.maxBufferedBytes,
        disconnect: () => res.destroy(),
      });
      // graphql-sse recognises a result by its `data` key.
      if (!('stream' in live)) return { data: null, errors: [...live] };
      const args: OperationArgs<{ stream: Stream }> = {
        schema: options.schema() as GraphQLSchema,
        document: live.document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue: { stream: live.stream },
      };
      return args;
    },
    subscribe: (args) => args.contextValue.stream as never,
  });

  options.app.route({
    method: ['GET', 'POST'],
    url: '/graphql/stream',
    async onRequest(request, reply) {
      const verdict = await options.gate(request);
      if (!verdict.ok) return refuse(reply, verdict);
    },
    async handler(request, reply) {
      const ip = options.clientIp(request);
      sessions.set(request.raw, await service.authenticate(request.headers.authorization, ip));
      const release = options.limits.acquire(ip);
      if (!release) {
        metrics.drops.inc({ transport: 'sse', reason: 'too_many_connections' });
        return refuse(reply, {
          status: 429,
          code: 'RATE_LIMITED',
          message: 'Too many live connections from this client.',
        });
      }
      const res = reply.raw;
      reply.hijack();
      open.add(res);
      metrics.connections.inc({ transport: 'sse' });
      res.once('close', () => {
        open.delete(res);
        release();
        metrics.connections.dec({ transport: 'sse' });
      });
      const [body, init] = await handler({
        method: request.method,
        url: request.url,
        headers: {
          get(key: string) {
            const value = request.headers[key.toLowerCase()];
            return Array.isArray(value) ? value.join('\n') : value;
          },
        },
        body: () => (request.body === undefined ? '' : JSON.stringify(request.body)),
        raw: request.raw,
        context: { res },
      });
      res.writeHead(init.status, init.statusText, init.headers as Record<string, string>);
      if (!body || typeof body === 'string') {
        res.end(body ?? undefined);
        return;
      }
      const stop = () => void body.return(undefined);
      res.once('close', stop);
      for await (const chunk of body) {
        if (!res.writable) break;
        await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
      }
      res.off('close', stop);
      res.end();
    },
  });

  return {
    /** Ends every open stream; its client sees the stream close and may reconnect elsewhere. */
    close() {
      for (const res of open) res.end();
    },
  };
}
