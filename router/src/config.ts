import { z } from 'zod';
import {
  ConfigError,
  dataDir,
  env,
  gatewaySecrets,
  loadConfig,
  redisMemoryAlarm,
  redisTarget,
} from '@supergraph/config';
import { parseCidrs } from '@supergraph/http';
import { DEFAULT_LIMITS as LIMITS } from './limits/operation-limits.ts';
import { DEFAULT_LIVE_LIMITS as LIVE } from './live/live-limits.ts';
import { Safelist } from './persisted-queries/safelist.ts';

const PERSISTED_QUERY_MODES = ['apq', 'safelist', 'off'] as const;

/** A per-subgraph override: unset means the shared SUBGRAPH_TIMEOUT_MS. */
const optionalMs = z.coerce
  .number({ message: 'expected a whole number of milliseconds' })
  .int('expected a whole number of milliseconds')
  .positive('expected a positive number')
  .optional();

/** The router's configuration, read once from the environment. */
export function loadRouterConfig(source: Record<string, string | undefined> = process.env) {
  const raw = loadConfig(
    {
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      ROUTER_PORT: env.port(4000),
      USERS_URL: env.url(['http', 'https'], 'http://localhost:4001/graphql'),
      ORDERS_URL: env.url(['http', 'https'], 'http://localhost:4002/graphql'),
      TASKS_URL: env.url(['http', 'https'], 'http://localhost:4003/graphql'),
      JWT_SECRET: z.string().optional(),
      SUBGRAPH_SECRET: z.string().optional(),
      CORS_ORIGINS: z.string().optional(),
      MAX_BODY_BYTES: env.positiveInt(1_000_000),
      ...env.redis(),
      TRUST_PROXY_HOPS: env.wholeNumber(0),
      RATE_LIMIT_REQUESTS: env.wholeNumber(600),
      RATE_LIMIT_WINDOW_SECONDS: env.positiveInt(60),
      MAX_DEPTH: env.positiveInt(LIMITS.maxDepth),
      MAX_ALIASES: env.wholeNumber(LIMITS.maxAliases),
      MAX_ROOT_FIELDS: env.positiveInt(LIMITS.maxRootFields),
      MAX_FIELDS: env.positiveInt(LIMITS.maxFields),
      MAX_DIRECTIVES: env.wholeNumber(LIMITS.maxDirectives),
      MAX_TOKENS: env.positiveInt(LIMITS.maxTokens),
      MAX_COST: env.positiveInt(LIMITS.maxCost),
      ASSUMED_LIST_SIZE: env.positiveInt(LIMITS.assumedListSize),
      PERSISTED_QUERIES: z
        .enum(PERSISTED_QUERY_MODES, {
          message: `expected one of ${PERSISTED_QUERY_MODES.join(', ')}`,
        })
        .default('apq'),
      SAFELIST_PATH: z.string().optional(),
      APQ_TTL_SECONDS: env.positiveInt(3600),
      APQ_REGISTRATIONS_PER_CLIENT: env.wholeNumber(100),
      APQ_REGISTRATION_WINDOW_SECONDS: env.positiveInt(60),
      OPS_ALLOW_CIDRS: z.string().optional(),
      SUBGRAPH_TIMEOUT_MS: env.positiveInt(10_000),
      USERS_TIMEOUT_MS: optionalMs,
      ORDERS_TIMEOUT_MS: optionalMs,
      TASKS_TIMEOUT_MS: optionalMs,
      CIRCUIT_FAILURES: env.positiveInt(5),
      CIRCUIT_HALF_OPEN_MS: env.positiveInt(5_000),
      QUEUE_PREFIX: env.queuePrefix(),
      LIVE_CONNECTIONS_PER_CLIENT: env.positiveInt(LIVE.connectionsPerClient),
      LIVE_CONNECTIONS_PER_PROCESS: env.positiveInt(LIVE.connectionsPerProcess),
      LIVE_SUBSCRIPTIONS_PER_CONNECTION: env.positiveInt(LIVE.subscriptionsPerConnection),
      LIVE_SUBSCRIPTIONS_PER_PROCESS: env.positiveInt(LIVE.subscriptionsPerProcess),
      LIVE_KEEPALIVE_MS: env.positiveInt(LIVE.keepAliveMs),
      SUPERGRAPH_PATH: z.string().optional(),
      DATA_DIR: z.string().optional(),
    },
    source,
  );
  const production = raw.NODE_ENV === 'production';
  const dir = dataDir(raw.DATA_DIR);
  const corsOrigins = (raw.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    try {
      new URL(origin);
    } catch {
      throw new ConfigError(
        `CORS_ORIGINS: "${origin}" is not an origin such as https://shop.example.com`,
      );
    }
  }
  const opsAllowCidrs = raw.OPS_ALLOW_CIDRS?.split(',')
    .map((cidr) => cidr.trim())
    .filter(Boolean);
  if (opsAllowCidrs) {
    try {
      parseCidrs(opsAllowCidrs);
    } catch (error) {
      throw new ConfigError(`OPS_ALLOW_CIDRS: ${(error as Error).message}`);
    }
  }
  if (raw.PERSISTED_QUERIES === 'safelist' && !raw.SAFELIST_PATH) {
    throw new ConfigError('SAFELIST_PATH: required when PERSISTED_QUERIES=safelist');
  }
  return {
    production,
    logLevel: raw.LOG_LEVEL,
    port: raw.ROUTER_PORT,
    subgraphUrls: { users: raw.USERS_URL, orders: raw.ORDERS_URL, tasks: raw.TASKS_URL },
    ...gatewaySecrets(raw, production, dir),
    corsOrigins,
    maxBodyBytes: raw.MAX_BODY_BYTES,
    supergraphPath: raw.SUPERGRAPH_PATH,
    redis: redisTarget(raw),
    redisMemoryAlarm: redisMemoryAlarm(raw),
    subgraphResilience: (name: string) => ({
      timeoutMs:
        { users: raw.USERS_TIMEOUT_MS, orders: raw.ORDERS_TIMEOUT_MS, tasks: raw.TASKS_TIMEOUT_MS }[
          name
        ] ?? raw.SUBGRAPH_TIMEOUT_MS,
      failuresToOpen: raw.CIRCUIT_FAILURES,
      halfOpenAfterMs: raw.CIRCUIT_HALF_OPEN_MS,
    }),
    trustedProxyHops: raw.TRUST_PROXY_HOPS,
    /** Who may read /ready and /metrics; the edge's default (loopback, private) when unset. */
    opsAllowCidrs,
    /**
     * Order events arrive on a channel under this prefix, the one the services publish on. A
     * channel is not a key, so unlike the queues it needs no hash tag on a Redis Cluster.
     */
    queuePrefix: raw.QUEUE_PREFIX,
    live: {
      connectionsPerClient: raw.LIVE_CONNECTIONS_PER_CLIENT,
      connectionsPerProcess: raw.LIVE_CONNECTIONS_PER_PROCESS,
      subscriptionsPerConnection: raw.LIVE_SUBSCRIPTIONS_PER_CONNECTION,
      subscriptionsPerProcess: raw.LIVE_SUBSCRIPTIONS_PER_PROCESS,
      keepAliveMs: raw.LIVE_KEEPALIVE_MS,
    },
    rateLimit:
      raw.RATE_LIMIT_REQUESTS === 0
        ? null
        : { points: raw.RATE_LIMIT_REQUESTS, windowSeconds: raw.RATE_LIMIT_WINDOW_SECONDS },
    limits: {
      maxDepth: raw.MAX_DEPTH,
      maxAliases: raw.MAX_ALIASES,
      maxRootFields: raw.MAX_ROOT_FIELDS,
      maxFields: raw.MAX_FIELDS,
      maxDirectives: raw.MAX_DIRECTIVES,
      maxTokens: raw.MAX_TOKENS,
      maxCost: raw.MAX_COST,
      assumedListSize: raw.ASSUMED_LIST_SIZE,
    },
    persistedQueries:
      raw.PERSISTED_QUERIES === 'safelist'
        ? {
            mode: 'safelist' as const,
            safelist: Safelist.fromManifest(raw.SAFELIST_PATH ?? '', 'SAFELIST_PATH'),
          }
        : raw.PERSISTED_QUERIES === 'apq'
          ? {
              mode: 'apq' as const,
              ttlSeconds: raw.APQ_TTL_SECONDS,
              registrations:
                raw.APQ_REGISTRATIONS_PER_CLIENT === 0
                  ? null
                  : {
                      points: raw.APQ_REGISTRATIONS_PER_CLIENT,
                      windowSeconds: raw.APQ_REGISTRATION_WINDOW_SECONDS,
                    },
            }
          : { mode: 'off' as const },
  };
}

export type RouterConfig = ReturnType<typeof loadRouterConfig>;
