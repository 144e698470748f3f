import { tokenKey } from '@supergraph/auth';
import { databaseReady } from '@supergraph/http';
import { createSubgraph } from '@supergraph/subgraph';
import type { Logger } from '@supergraph/observability';
import { redisReady, type RedisClient } from '@supergraph/redis';
import { databaseInstruments, type PrismaClient } from '@supergraph/prisma/users';
import { createContext, type Context } from './context.ts';
import { createLoginThrottle, type LoginLimits } from './login-throttle.ts';
import { resolvers } from './resolvers/index.ts';
import { typeDefs } from './schema.ts';

export type ServerDeps = {
  db: PrismaClient;
  /** Holds the log-in counters every replica shares; the caller opens and closes it. */
  redis: RedisClient;
  logger: Logger;
  subgraphSecret: string;
  jwtSecret: string;
  jwtTtlSeconds: number;
  production: boolean;
  /** How many log-in failures per email, and attempts per client IP, a window allows. */
  loginLimits: LoginLimits;
  /** Keeps this server's counters apart from others on the same Redis; tests give each run its own. */
  rateLimitNamespace?: string;
};

/** Builds the users subgraph, not listening. */
export async function createServer(deps: ServerDeps) {
  const key = tokenKey(deps.jwtSecret);
  const throttle = createLoginThrottle({
    redis: deps.redis,
    limits: deps.loginLimits,
    namespace: deps.rateLimitNamespace,
  });
  return createSubgraph<Context>({
    name: 'users',
    typeDefs,
    resolvers,
    context: ({ viewer, clientIp }) =>
      createContext(
        { db: deps.db, tokenKey: key, tokenTtlSeconds: deps.jwtTtlSeconds, throttle },
        viewer,
        clientIp,
      ),
    subgraphSecret: deps.subgraphSecret,
    production: deps.production,
    logger: deps.logger,
    database: databaseInstruments(deps.db),
    ready: async () => {
      const [database, redis] = await Promise.all([databaseReady(deps.db), redisReady(deps.redis)]);
      return { ...database, ...redis };
    },
  });
}
