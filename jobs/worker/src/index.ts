import { createLogger, onShutdown, runMain } from '@supergraph/common';
import { createMailer, createUserDirectory } from '@supergraph/mail';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { loadWorkerConfig } from './config.ts';
import { createWorker } from './worker.ts';

runMain(async () => {
  const config = loadWorkerConfig();
  const logger = createLogger('worker', config.logLevel);
  const clients = { databaseUrl: config.databaseUrl, poolSize: config.poolSize };
  const orders = createOrdersClient(clients);
  const tasks = createTasksClient(clients);
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    mailDir: config.mailDir,
    maxConnections: config.smtpMaxConnections,
    timeoutMs: config.smtpTimeoutMs,
  });
  const worker = createWorker({
    ...config,
    logger,
    orders,
    tasks,
    mailer,
    users: createUserDirectory({
      usersUrl: config.usersUrl,
      subgraphSecret: config.subgraphSecret,
    }),
  });
  await worker.start();
  logger.info({ mail: config.smtpUrl ? 'smtp' : config.mailDir }, 'job worker running');
  onShutdown(logger, async () => {
    await worker.stop();
    mailer.close();
    await Promise.all([orders.$disconnect(), tasks.$disconnect()]);
  });
});
