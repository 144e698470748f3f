import { runSubgraph } from '@supergraph/subgraph';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createServer } from './server.ts';

runSubgraph({
  name: 'tasks',
  defaultPort: 4003,
  connect: (config) =>
    createTasksClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize }),
  build: (db, config, logger) =>
    createServer({
      db,
      logger,
      subgraphSecret: config.subgraphSecret,
      production: config.production,
    }),
});
