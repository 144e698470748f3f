import {
  closeServer,
  createLogger,
  listen,
  loadSubgraphConfig,
  onShutdown,
  runMain,
} from '@supergraph/common';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createServer } from './server.ts';

runMain(async () => {
  const config = loadSubgraphConfig('ORDERS_PORT', 4002);
  const logger = createLogger('orders', config.logLevel);
  const db = createOrdersClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize });
  const { apollo, http } = await createServer({
    db,
    logger,
    subgraphSecret: config.subgraphSecret,
    production: config.production,
  });
  const port = await listen(http, config.port);
  logger.info({ port }, `orders subgraph ready at http://localhost:${port}/graphql`);
  onShutdown(logger, async () => {
    await closeServer(http);
    await apollo.stop();
    await db.$disconnect();
  });
});
