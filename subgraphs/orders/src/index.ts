import { runSubgraph } from '@supergraph/subgraph';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createServer } from './server.ts';

runSubgraph({
  name: 'orders',
  defaultPort: 4002,
  connect: (config) =>
    createOrdersClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize }),
  build: (db, config, logger) =>
    createServer({
      db,
      logger,
      subgraphSecret: config.subgraphSecret,
      production: config.production,
    }),
});
