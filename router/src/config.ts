import { z } from 'zod';
import { ConfigError, dataDir, env, loadConfig, resolveSecret } from '@supergraph/common';

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
  return {
    production,
    logLevel: raw.LOG_LEVEL,
    port: raw.ROUTER_PORT,
    subgraphUrls: { users: raw.USERS_URL, orders: raw.ORDERS_URL, tasks: raw.TASKS_URL },
    jwtSecret: resolveSecret({
      name: 'JWT_SECRET',
      value: raw.JWT_SECRET,
      production,
      dataDir: dir,
    }),
    subgraphSecret: resolveSecret({
      name: 'SUBGRAPH_SECRET',
      value: raw.SUBGRAPH_SECRET,
      production,
      dataDir: dir,
    }),
    corsOrigins,
    maxBodyBytes: raw.MAX_BODY_BYTES,
    supergraphPath: raw.SUPERGRAPH_PATH,
  };
}

export type RouterConfig = ReturnType<typeof loadRouterConfig>;
