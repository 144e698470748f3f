import { runSubgraph } from '@supergraph/subgraph';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { closeRedisClient, createRedisClient } from '@supergraph/redis';
import { loadOrdersConfig } from './config.ts';
import { createOrderEventPublisher } from './order-event-publisher.ts';
import { createServer } from './server.ts';

runSubgraph({
  name: 'orders',
  defaultPort: 4002,
  connect: (config) =>
    createOrdersClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize }),
  build: async (db, config, logger) => {
    const { redis: target, queuePrefix } = loadOrdersConfig();
    const redis = createRedisClient(target, { logger });
    const server = await createServer({
      db,
      orderEvents: createOrderEventPublisher({ redis, prefix: queuePrefix, logger }),
      logger,
      subgraphSecret: config.subgraphSecret,
      production: config.production,
    });
    return { ...server, close: () => closeRedisClient(redis) };
  },
});
