/**
 * Live updates at the router: the order-event hub, the shared service, and both transports on
 * the router's own server and port. Closed before the HTTP server on shutdown, so that every
 * subscriber is told the server is going away instead of waiting on a dead link.
 */
import type { ApolloServer } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { TokenKey } from '@supergraph/auth';
import type { FastifyInstance, FastifyRequest, RequestGate } from '@supergraph/http';
import type { Logger, Metrics } from '@supergraph/observability';
import type { RedisClient } from '@supergraph/redis';
import type { RouterContext } from '../context.ts';
import type { createQueryGuard } from '../limits/query-guard.ts';
import { createConnectionLimits } from './connection-limits.ts';
import type { LiveLimits } from './live-limits.ts';
import { createLiveMetrics } from './live-metrics.ts';
import { createLiveService } from './live-service.ts';
import { createOrderEventHub } from './order-event-hub.ts';
import { registerSseTransport } from './sse-transport.ts';
import { attachWsTransport } from './ws-transport.ts';

/** A subscribe message is a query and its variables; anything larger is not one. */
const MAX_MESSAGE_BYTES = 100_000;

export function createLive(options: {
  app: FastifyInstance;
  apollo: ApolloServer<RouterContext>;
  schema: () => GraphQLSchema | null;
  redis: RedisClient;
  queuePrefix: string;
  tokenKey: TokenKey;
  queryGuard: ReturnType<typeof createQueryGuard>;
  gate: (request: FastifyRequest) => Promise<RequestGate>;
  clientIp: (request: FastifyRequest) => string;
  trustedProxyHops: number;
  allowedOrigin: (origin: string) => boolean;
  limits: LiveLimits;
  metrics: Metrics;
  logger: Logger;
}) {
  const metrics = createLiveMetrics(options.metrics.registry);
  const hub = createOrderEventHub({
    redis: options.redis,
    prefix: options.queuePrefix,
    logger: options.logger,
  });
  const limits = createConnectionLimits({
    perClient: options.limits.connectionsPerClient,
    perProcess: options.limits.connectionsPerProcess,
  });
  const service = createLiveService({
    apollo: options.apollo,
    schema: options.schema,
    hub,
    tokenKey: options.tokenKey,
    queryGuard: options.queryGuard,
    metrics,
    maxPending: options.limits.maxPendingResults,
    maxSubscriptions: options.limits.subscriptionsPerProcess,
  });
  const sse = registerSseTransport({
    app: options.app,
    service,
    schema: options.schema,
    limits,
    metrics,
    gate: options.gate,
    clientIp: options.clientIp,
    maxBufferedBytes: options.limits.maxBufferedBytes,
  });
  let ws: ReturnType<typeof attachWsTransport> | null = null;
  return {
    /** Starts taking WebSocket upgrades on the edge's server, once it exists. */
    attach() {
      ws = attachWsTransport({
        server: options.app.server,
        service,
        schema: options.schema,
        limits,
        metrics,
        logger: options.logger,
        trustedProxyHops: options.trustedProxyHops,
        allowedOrigin: options.allowedOrigin,
        maxSubscriptionsPerConnection: options.limits.subscriptionsPerConnection,
        maxBufferedBytes: options.limits.maxBufferedBytes,
        maxMessageBytes: MAX_MESSAGE_BYTES,
        keepAliveMs: options.limits.keepAliveMs,
      });
    },
    async close() {
      sse.close();
      await ws?.close();
      await hub.close();
    },
  };
}
