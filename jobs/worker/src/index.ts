import { closeServer, listen, onShutdown, runMain } from '@supergraph/lifecycle';
import { createLogger, startTracing } from '@supergraph/observability';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { loadWorkerConfig } from './config.ts';
import { createOpsServer } from './ops-server.ts';
import { createWorkerFromConfig } from './worker.ts';

/** What closing the ops server, Prisma and Redis may take once the jobs are done. */
const CLOSE_MS = 3000;

runMain(async () => {
  const config = loadWorkerConfig();
  const tracing = startTracing('worker');
  const logger = createLogger('worker', config.logLevel);
  const { databaseUrls, poolSize } = config;
  const orders = createOrdersClient({ databaseUrl: databaseUrls.orders, poolSize });
  const tasks = createTasksClient({ databaseUrl: databaseUrls.tasks, poolSize });
  const worker = createWorkerFromConfig(config, { orders, tasks, logger });
  const ops = await createOpsServer({
    metrics: worker.metrics,
    ready: () => worker.ready(),
    logger,
  });
  // Listening first: a port already taken stops the process before it takes any job.
  const port = await listen(ops, config.port);
  await worker.start();
  logger.info(
    { mail: config.smtpUrl ? 'smtp' : config.mailDir, port },
    `job worker running; health, readiness and metrics at http://localhost:${port}`,
  );
  onShutdown(logger, async () => {
    // The last resort, should closing hang past the grace: exit while the log can still say
    // why, before the supervisor's kill.
    setTimeout(() => {
      logger.fatal('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + CLOSE_MS).unref();
    const drained = await worker.stop(config.shutdownGraceMs);
    // Served until the jobs are done, so that a scrape can watch the drain.
    await closeServer(ops, 1000);
    await Promise.all([orders.$disconnect(), tasks.$disconnect()]);
    await tracing.shutdown();
    // The abandoned jobs are safe (another worker recovers them), but exiting 1 tells the
    // supervisor and the deploy log that this stop cut jobs off rather than draining them.
    if (!drained) {
      throw new Error(
        `jobs still running after SHUTDOWN_GRACE_MS (${config.shutdownGraceMs} ms) were abandoned`,
      );
    }
  });
});
