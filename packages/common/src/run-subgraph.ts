import type { Server } from 'node:http';
import { closeServer, listen, onShutdown, runMain } from './lifecycle.ts';
import { createLogger, type Logger } from './logger.ts';
import { startTracing } from './tracing.ts';
import type { Service } from './database-urls.ts';
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

/** The gist of a database error: Prisma's messages open with lines about the call site. */
function databaseFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  return lines.at(-1)?.trim() ?? 'unknown error';
}

/**
 * Readiness of a subgraph's database: empty when it answers, else `{ database: reason }`.
 * Gives up after `timeoutMs`, so that a database that does not answer makes the subgraph
 * unready instead of holding the probe.
 */
export async function databaseReady(
  db: { $queryRawUnsafe(sql: string): Promise<unknown> },
  timeoutMs = 2_000,
): Promise<Record<string, string>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([db.$queryRawUnsafe('SELECT 1'), timedOut]);
    return {};
  } catch (error) {
    return { database: databaseFailure(error) };
  } finally {
    clearTimeout(timer);
  }
}
