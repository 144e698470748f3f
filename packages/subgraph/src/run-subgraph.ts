import type { Server } from 'node:http';
import { closeServer, listen, onShutdown, runMain } from '@supergraph/lifecycle';
import { createLogger, type Logger, startTracing } from '@supergraph/observability';
import type { Service } from '@supergraph/config';
import { loadSubgraphConfig, type SubgraphConfig } from '@supergraph/config';

type Database = { $disconnect(): Promise<void> };
type Built = {
  apollo: { stop(): Promise<void> };
  http: Server;
  /** Releases what `build` opened besides the database (a Redis connection), after draining. */
  close?: () => Promise<void>;
};

/** How one subgraph's entry point turns env into a listening server. */
export type SubgraphEntry<D extends Database> = {
  /** Also names its variables: `ORDERS_PORT`, `ORDERS_DATABASE_URL`. */
  name: Service;
  defaultPort: number;
  connect: (config: SubgraphConfig) => D;
  build: (db: D, config: SubgraphConfig, logger: Logger) => Promise<Built>;
};

/** Reads env, connects, listens, and on SIGTERM/SIGINT drains requests before closing the pool. */
export function runSubgraph<D extends Database>(entry: SubgraphEntry<D>): void {
  runMain(async () => {
    const config = loadSubgraphConfig(entry.name, entry.defaultPort);
    const tracing = startTracing(entry.name);
    const logger = createLogger(entry.name, config.logLevel);
    const db = entry.connect(config);
    const { apollo, http, close } = await entry.build(db, config, logger);
    const port = await listen(http, config.port);
    logger.info({ port }, `${entry.name} subgraph ready at http://localhost:${port}/graphql`);
    onShutdown(logger, async () => {
      await closeServer(http);
      await apollo.stop();
      await close?.();
      await db.$disconnect();
      await tracing.shutdown();
    });
  });
}
