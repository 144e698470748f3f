import { closeServer, listen, onShutdown, runMain } from '@supergraph/lifecycle';
import { createLogger } from '@supergraph/observability';
import { QueueSet, closeConnection, producerConnection } from '@supergraph/queues';
import { loadDashboardConfig } from './config.ts';
import { redisReady } from './redis-ready.ts';
import { BASE_PATH, createServer } from './server.ts';

runMain(async () => {
  const config = loadDashboardConfig();
  const logger = createLogger('dashboard', config.logLevel);
  // Fail-fast producer connection: while Redis is away the board's requests fail at once and
  // /ready says why, instead of requests hanging until Redis returns.
  const connection = producerConnection(config.redis);
  // ioredis reports every failed reconnect; /ready carries the outage, so these are noise.
  connection.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const queues = new QueueSet(connection, config.queuePrefix);
  const { http } = await createServer({
    queues,
    production: config.production,
    auth: { basic: config.basic, jwtSecret: config.jwtSecret },
    logger,
    ready: redisReady(connection),
  });
  if (config.production && !config.basic) {
    logger.warn('DASHBOARD_USER / DASHBOARD_PASSWORD unset: only ADMIN tokens open the dashboard');
  }
  const port = await listen(http, config.port);
  logger.info({ port }, `job dashboard ready at http://localhost:${port}${BASE_PATH}`);
  onShutdown(logger, async () => {
    await closeServer(http);
    await queues.close();
    await closeConnection(connection);
  });
});
