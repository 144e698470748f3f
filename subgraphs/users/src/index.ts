import { runSubgraph } from '@supergraph/common';
import { createUsersClient } from '@supergraph/prisma/users';
import { createServer } from './server.ts';

runSubgraph({
  name: 'users',
  portVariable: 'USERS_PORT',
  defaultPort: 4001,
  connect: (config) =>
    createUsersClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize }),
  build: (db, config, logger) =>
    createServer({
      db,
      logger,
      subgraphSecret: config.subgraphSecret,
      production: config.production,
      jwtSecret: config.jwtSecret(),
      jwtTtlSeconds: config.jwtTtlSeconds,
    }),
});
