import type { Server } from 'node:http';
import { closeServer, listen } from '@supergraph/lifecycle';
import { createLogger, type Logger } from '@supergraph/observability';
import { createTestDatabase } from './test-database.ts';

/** What a subgraph's createServer needs besides its database. */
export type SubgraphTestDeps = { logger: Logger; subgraphSecret: string; production: boolean };

export type TestSubgraphOptions<D> = {
  /** The router's secret the subgraph will trust. */
  secret: string;
  connect: (databaseUrl: string) => D;
  build: (
    db: D,
    deps: SubgraphTestDeps,
  ) => Promise<{ apollo: { stop(): Promise<void> }; http: Server }>;
};

export type TestSubgraph<D> = { url: string; db: D; stop(): Promise<void> };

/** One subgraph on a free loopback port, over a database of its own, dropped on stop. */
export async function startTestSubgraph<D extends { $disconnect(): Promise<void> }>(
  options: TestSubgraphOptions<D>,
): Promise<TestSubgraph<D>> {
  const database = await createTestDatabase();
  const db = options.connect(database.url);
  const { apollo, http } = await options.build(db, {
    logger: createLogger('test', 'silent'),
    subgraphSecret: options.secret,
    production: false,
  });
  const url = `http://127.0.0.1:${await listen(http, 0, '127.0.0.1')}/graphql`;
  return {
    url,
    db,
    async stop() {
      await closeServer(http);
      await apollo.stop();
      await db.$disconnect();
      await database.drop();
    },
  };
}
