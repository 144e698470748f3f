import {
  closeServer,
  createLogger,
  listen,
  loadSubgraphConfig,
  onShutdown,
  runMain,
} from '@supergraph/common';
import { createUsersClient } from '@supergraph/prisma/users';
import { createServer } from './server.ts';

runMain(async () => {
  const config = loadSubgraphConfig('USERS_PORT', 4001);
  const logger = createLogger('users', config.logLevel);
  const db = createUsersClient({ databaseUrl: config.databaseUrl, poolSize: config.poolSize });
  const { apollo, http } = await createServer({
    db,
    logger,
    subgraphSecret: config.subgraphSecret,
    jwtSecret: config.jwtSecret(),
    jwtTtlSeconds: config.jwtTtlSeconds,
    production: config.production,
  });
  const port = await listen(http, config.port);
  logger.info({ port }, `users subgraph ready at http://localhost:${port}/graphql`);
  onShutdown(logger, async () => {
    await closeServer(http);
    await apollo.stop();
    await db.$disconnect();
  });
});
