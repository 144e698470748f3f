import { runSubgraph } from '@supergraph/subgraph';
import { closeRedisClient, createRedisClient } from '@supergraph/redis';
import { createUsersClient } from '@supergraph/prisma/users';
import { loadUsersConfig } from './config.ts';
import { createServer } from './server.ts';

runSubgraph({
  name: 'users',
  defaultPort: 4001,
  connect: (config) =>
    createUsersClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize }),
  build: async (db, config, logger) => {
    const { redis: target, loginLimits } = loadUsersConfig();
    const redis = createRedisClient(target, { logger });
    const server = await createServer({
      db,
      redis,
      logger,
      subgraphSecret: config.subgraphSecret,
      production: config.production,
      jwtSecret: config.jwtSecret(),
      jwtTtlSeconds: config.jwtTtlSeconds,
      loginLimits,
    });
    return { ...server, close: () => closeRedisClient(redis) };
  },
});
