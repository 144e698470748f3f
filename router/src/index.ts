import { Redis } from 'ioredis';
import { closeServer, createLogger, listen, onShutdown, runMain } from '@supergraph/common';
import { SUPERGRAPH_FILE } from './compose.ts';
import { loadRouterConfig } from './config.ts';
import { createServer } from './server.ts';
import { fileSupergraph, watchedSupergraph } from './supergraph-source.ts';

runMain(async () => {
  const config = loadRouterConfig();
  const logger = createLogger('router', config.logLevel);
  // Dev recomposes from the SDL files on every change; production serves the committed file.
  const supergraph =
    config.production || config.supergraphPath
      ? fileSupergraph(config.supergraphPath ?? SUPERGRAPH_FILE)
      : watchedSupergraph(logger);
  // Fail fast: a request never waits for Redis; the rate limiter then counts in memory and
  // persisted queries miss until it is back.
  const redis = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const { apollo, http } = await createServer({ ...config, logger, supergraph, redis });
  const port = await listen(http, config.port);
  logger.info({ port }, `router ready at http://localhost:${port}/graphql`);
  if (!config.production) logger.info(`offline explorer at http://localhost:${port}/graphiql`);
  onShutdown(logger, async () => {
    await closeServer(http);
    await apollo.stop();
    redis.disconnect();
  });
});
