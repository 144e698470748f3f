import { createLogger, onShutdown, runMain } from '@supergraph/common';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { loadWorkerConfig } from './config.ts';
import { createWorkerFromConfig } from './worker.ts';

runMain(async () => {
  const config = loadWorkerConfig();
  const logger = createLogger('worker', config.logLevel);
  const clients = { databaseUrl: config.databaseUrl, poolSize: config.poolSize };
  const orders = createOrdersClient(clients);
  const tasks = createTasksClient(clients);
  const worker = createWorkerFromConfig(config, { orders, tasks, logger });
  await worker.start();
  logger.info({ mail: config.smtpUrl ? 'smtp' : config.mailDir }, 'job worker running');
  onShutdown(logger, async () => {
    await worker.stop();
    await Promise.all([orders.$disconnect(), tasks.$disconnect()]);
  });
});
