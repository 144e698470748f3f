import type { Server } from 'node:http';
import { closeServer, listen, onShutdown, runMain } from './lifecycle.ts';
import { createLogger, type Logger } from './logger.ts';
import { loadSubgraphConfig, type SubgraphConfig } from './subgraph-config.ts';

type Database = { $disconnect(): Promise<void> };
type Built = {
  apollo: { stop(): Promise<void> };
  http: Server;
  /** Releases what `build` opened besides the database (a Redis connection), after draining. */
  close?: () => Promise<void>;
};

/** How one subgraph's entry point turns env into a listening server. */
export type SubgraphEntry<D extends Database> = {
  name: string;
  portVariable: string;
  defaultPort: number;
  connect: (config: SubgraphConfig) => D;
  build: (db: D, config: SubgraphConfig, logger: Logger) => Promise<Built>;
};

/** Reads env, connects, listens, and on SIGTERM/SIGINT drains requests before closing the pool. */
export function runSubgraph<D extends Database>(entry: SubgraphEntry<D>): void {
  runMain(async () => {
    const config = loadSubgraphConfig(entry.portVariable, entry.defaultPort);
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
    });
  });
}

/** Readiness of a subgraph's database: empty when it answers. */
export async function databaseReady(db: {
  $queryRawUnsafe(sql: string): Promise<unknown>;
}): Promise<Record<string, string>> {
  try {
    await db.$queryRawUnsafe('SELECT 1');
    return {};
  } catch (error) {
    return { database: error instanceof Error ? error.message : String(error) };
  }
}
