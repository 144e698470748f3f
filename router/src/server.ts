import { ApolloGateway, type SupergraphSdlHook } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { CircuitState } from 'cockatiel';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { clientIp, createRequestProofs, tokenKey } from '@supergraph/auth';
import { createEdge, graphqlRoute, type RequestGate } from '@supergraph/http';
import { createMetrics, currentRequestScope, type Logger } from '@supergraph/observability';
import {
  addressKey,
  createRateLimiter,
  redisReady,
  registerRedisMemoryGauge,
  type RateLimit,
  type RedisClient,
} from '@supergraph/redis';
import type { GraphQLSchema } from 'graphql';
import type { RouterContext } from './context.ts';
import { corsPolicy } from './cors.ts';
import { createRouterFormatError } from './format-router-error.ts';
import { graphiqlRoutes } from './graphiql.ts';
import { landingPageWithOfflineExplorer } from './landing-page.ts';
import { costLimitPlugin } from './limits/cost-limit-plugin.ts';
import type { OperationLimits } from './limits/operation-limits.ts';
import { createQueryGuard } from './limits/query-guard.ts';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from './live/live-limits.ts';
import { createLive } from './live/live-server.ts';
import { subscriptionsOverHttpPlugin } from './live/subscriptions-over-http-plugin.ts';
import { RedisApqCache } from './persisted-queries/redis-apq-cache.ts';
import type { Safelist } from './persisted-queries/safelist.ts';
import { createRequestGate } from './request-gate.ts';
import { CIRCUIT_VALUE, createRouterMetrics } from './router-metrics.ts';
import { SignedDataSource } from './signed-data-source.ts';
import { createSubgraphFetcher, type SubgraphResilience } from './subgraph-fetcher.ts';
import { valueCompletionPlugin } from './value-completion-plugin.ts';

/** How the router treats persisted queries. */
export type PersistedQueries =
  | {
      mode: 'apq';
      ttlSeconds: number;
      /**
       * Registrations (query text sent with its hash) one client address may make per window;
       * absent or null: unlimited. Anyone may register, so without it one client fills Redis.
       */
      registrations?: RateLimit | null;
    }
  | { mode: 'safelist'; safelist: Safelist }
  | { mode: 'off' };

export type RouterDeps = {
  logger: Logger;
  production: boolean;
  supergraph: SupergraphSdlHook;
  subgraphUrls: Record<string, string>;
  jwtSecret: string;
  subgraphSecret: string;
  corsOrigins: readonly string[];
  maxBodyBytes: number;
  /** Shared by every router instance: persisted queries and rate-limit counters. */
  redis: RedisClient;
  /** /ready fails above this fraction of Redis's maxmemory; null: never (0.9 when absent). */
  redisMemoryAlarm?: number | null;
  limits: OperationLimits;
  /** Requests per client and window; null switches rate limiting off. */
  rateLimit: RateLimit | null;
  persistedQueries: PersistedQueries;
  trustedProxyHops: number;
  /** Networks that may read /ready and /metrics; loopback and private ones when absent. */
  opsAllowCidrs?: readonly string[] | undefined;
  /** Timeout and circuit breaking of each subgraph, by name. */
  subgraphResilience: (name: string) => SubgraphResilience;
  /** The prefix the services publish order events under (QUEUE_PREFIX); `bull` by default. */
  queuePrefix?: string;
  /** How much live traffic one router takes. */
  live?: Partial<LiveLimits>;
};

function circuitValue(state: CircuitState): number {
  switch (state) {
    case CircuitState.Open:
      return CIRCUIT_VALUE.open;
    case CircuitState.HalfOpen:
      return CIRCUIT_VALUE.halfOpen;
    case CircuitState.Isolated:
      return CIRCUIT_VALUE.isolated;
    default:
      return CIRCUIT_VALUE.closed;
  }
}
/** Registered APQ texts above this size are not kept in Redis. */
const MAX_PERSISTED_QUERY_BYTES = 16_384;

/** Builds the router (gateway, Apollo Server and HTTP server), not listening. */
export async function createServer(deps: RouterDeps) {
  const { logger, production, persistedQueries } = deps;
  const fetchers = new Map<string, ReturnType<typeof createSubgraphFetcher>>();
  const proofFor = createRequestProofs(deps.subgraphSecret);
  const metrics = createMetrics('router');
  const routerMetrics = createRouterMetrics(metrics.registry);
  registerRedisMemoryGauge(metrics.registry, deps.redis);
  const gateway = new ApolloGateway({
    supergraphSdl: deps.supergraph,
    buildService: ({ name, url }) => {
      const fetcher = createSubgraphFetcher({
        name,
        connectionsPerSubgraph: 64,
        resilience: deps.subgraphResilience(name),
        onCall: (seconds, failure) => routerMetrics.fetched(name, seconds, failure),
      });
      routerMetrics.circuitChanged(name, CIRCUIT_VALUE.closed);
      fetcher.breaker.onStateChange((state) => {
        routerMetrics.circuitChanged(name, circuitValue(state));
        logger.warn({ subgraph: name, state: CircuitState[state] }, 'subgraph circuit changed');
      });
      fetchers
        .get(name)
        ?.close()
        .catch(() => {});
      fetchers.set(name, fetcher);
      return new SignedDataSource({
        name,
        url: deps.subgraphUrls[name] ?? url ?? '',
        proofFor,
        fetcher: fetcher.fetcher,
        logger,
      });
    },
    logger,
  });
  // Subscriptions are validated against the graph the gateway serves at the moment.
  let apiSchema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => {
    apiSchema = schema;
  });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    introspection: !production,
    // Without introspection, "did you mean" suggestions would still spell out the schema.
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    formatError: createRouterFormatError(logger, production),
    // Apollo's CSRF prevention: an operation needs a JSON content type or a preflight header,
    // neither of which a browser sends cross-site without asking first.
    csrfPrevention: true,
    // index.ts owns shutdown: Apollo's own handler would re-raise the signal and end the
    // process before in-flight requests finish and Redis is closed.
    stopOnTerminationSignals: false,
    persistedQueries:
      persistedQueries.mode === 'off'
        ? false
        : {
            cache:
              persistedQueries.mode === 'safelist'
                ? persistedQueries.safelist.asCache()
                : new RedisApqCache(deps.redis, logger, {
                    ttlSeconds: persistedQueries.ttlSeconds,
                    maxQueryBytes: MAX_PERSISTED_QUERY_BYTES,
                  }),
            // The cache applies its own expiry.
            ttl: null,
          },
    plugins: [
      production ? ApolloServerPluginLandingPageDisabled() : landingPageWithOfflineExplorer(),
      ApolloServerPluginInlineTraceDisabled(),
      costLimitPlugin(deps.limits),
      subscriptionsOverHttpPlugin(),
      routerMetrics.plugin,
      ...(production ? [valueCompletionPlugin(logger)] : []),
    ],
  });
  await apollo.start();
  const requestGate = createRequestGate({
    tokenKey: tokenKey(deps.jwtSecret),
    limiter: deps.rateLimit
      ? createRateLimiter({ redis: deps.redis, name: 'router', limit: deps.rateLimit })
      : null,
    trustedProxyHops: deps.trustedProxyHops,
  });
  const queryGuard = createQueryGuard(deps.limits);
  const safelist = persistedQueries.mode === 'safelist' ? persistedQueries.safelist : null;
  const registrations =
    persistedQueries.mode === 'apq' && persistedQueries.registrations
      ? createRateLimiter({
          redis: deps.redis,
          name: 'apq-registrations',
          limit: persistedQueries.registrations,
        })
      : null;

  const app = createEdge({
    logger,
    metrics,
    maxBodyBytes: deps.maxBodyBytes,
    cors: corsPolicy(production, deps.corsOrigins),
    opsAllowCidrs: deps.opsAllowCidrs,
    ready: async () => {
      const failures: Record<string, string> = {};
      await Promise.all([
        redisReady(deps.redis, { memoryAlarm: deps.redisMemoryAlarm }).then((failure) =>
          Object.assign(failures, failure),
        ),
        ...Object.entries(deps.subgraphUrls).map(async ([name, url]) => {
          try {
            const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(2000) });
            if (!res.ok) failures[name] = `health answered ${res.status}`;
          } catch (error) {
            failures[name] = error instanceof Error ? error.message : String(error);
          }
        }),
      ]);
      return failures;
    },
  });
  graphqlRoute<RouterContext>(app, {
    service: 'router',
    accessLogLevel: 'info',
    apollo,
    logger,
    gate: (request) => requestGate.gate(request.raw),
    async inspect(params, request): Promise<RequestGate> {
      const listed = safelist?.check(params);
      if (listed && !listed.ok) return listed;
      if (params.query === undefined) return { ok: true };
      const verdict = queryGuard.check(params.query);
      if (!verdict.ok || !registrations || params.persistedQueryHash === undefined) return verdict;
      // Counted by address even when signed in: accounts are free to make, addresses are not.
      const { clientIp: ip } = requestGate.caller(request.raw);
      const decision = await registrations.consume(`ip:${addressKey(ip)}`);
      if (decision.allowed) return verdict;
      return {
        ok: false,
        status: 429,
        code: 'PERSISTED_QUERY_REGISTRATION_LIMITED',
        message: `Too many persisted queries registered; try again in ${decision.retryAfterSeconds} s.`,
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
        extensions: { retryAfterSeconds: decision.retryAfterSeconds },
      };
    },
    context: async (request) => ({
      ...requestGate.caller(request.raw),
      // Set by the edge, which made it or took the client's.
      requestId: currentRequestScope()?.requestId ?? request.id,
    }),
  });
  if (!production) graphiqlRoutes(app);
  const live = createLive({
    app,
    apollo,
    schema: () => apiSchema,
    redis: deps.redis,
    queuePrefix: deps.queuePrefix ?? 'bull',
    tokenKey: tokenKey(deps.jwtSecret),
    queryGuard,
    gate: (request) => requestGate.gate(request.raw),
    clientIp: (request) => clientIp(request.raw, deps.trustedProxyHops),
    trustedProxyHops: deps.trustedProxyHops,
    allowedOrigin: corsPolicy(production, deps.corsOrigins),
    limits: { ...DEFAULT_LIVE_LIMITS, ...deps.live },
    metrics,
    logger,
  });
  await app.ready();
  live.attach();

  return {
    apollo,
    gateway,
    app,
    /** The Node server the edge answers on, for `listen` and a bounded close. */
    http: app.server,
    metrics,
    /** Ends every live subscription, telling its client; before the HTTP server closes. */
    closeLive: () => live.close(),
    /** Stops the router after its HTTP server has closed: Apollo, then the subgraph pool. */
    async stop() {
      await apollo.stop();
      await Promise.all([...fetchers.values()].map((fetcher) => fetcher.close()));
    },
  };
}
