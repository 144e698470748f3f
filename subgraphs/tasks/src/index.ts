import {
  closeServer,
  createLogger,
  listen,
  loadSubgraphConfig,
  onShutdown,
  runMain,
} from '@supergraph/common';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createServer } from './server.ts';

runMain(async () => {
  const config = loadSubgraphConfig('TASKS_PORT', 4003);
  const logger = createLogger('tasks', config.logLevel);
  const db = createTasksClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize });
  const { apollo, http } = await createServer({
    db,
    logger,
    subgraphSecret: config.subgraphSecret,
    production: config.production,
  });
  const port = await listen(http, config.port);
  logger.info({ port }, `tasks subgraph ready at http://localhost:${port}/graphql`);
  onShutdown(logger, async () => {
    await closeServer(http);
    await apollo.stop();
    await db.$disconnect();
  });
});
