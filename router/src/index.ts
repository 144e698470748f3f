import { closeServer, listen, onShutdown, runMain } from '@supergraph/lifecycle';
import { createLogger, startTracing } from '@supergraph/observability';
import { closeRedisClient, createRedisClient } from '@supergraph/redis';
import { SUPERGRAPH_FILE } from './compose.ts';
import { loadRouterConfig } from './config.ts';
import { createServer } from './server.ts';
import { fileSupergraph, watchedSupergraph } from './supergraph-source.ts';

runMain(async () => {
  const config = loadRouterConfig();
  const tracing = startTracing('router');
  const logger = createLogger('router', config.logLevel);
  // Dev recomposes from the SDL files on every change; production serves the committed file.
  const supergraph =
    config.production || config.supergraphPath
      ? fileSupergraph(config.supergraphPath ?? SUPERGRAPH_FILE)
      : watchedSupergraph(logger);
  // A request never waits for Redis: the rate limiter then counts in memory and persisted
  // queries miss until it is back.
  const redis = createRedisClient(config.redis, { logger });
  const router = await createServer({ ...config, logger, supergraph, redis });
  const port = await listen(router.http, config.port);
  logger.info({ port }, `router ready at http://localhost:${port}/graphql`);
  if (!config.production) logger.info(`offline explorer at http://localhost:${port}/graphiql`);
  onShutdown(logger, async () => {
    await router.closeLive();
    await closeServer(router.http);
    await router.stop();
    await closeRedisClient(redis);
    await tracing.shutdown();
  });
});
