import { PrismaPg } from '@prisma/adapter-pg';
import type { DatabaseInstruments, StatementListener } from '@supergraph/observability';
// The same `pg` the adapter imports: it recognises a pool it is given by `instanceof pg.Pool`,
// and would otherwise treat the pool as a config object and open a second one.
import pg from 'pg';

export type ClientOptions = {
  databaseUrl: string;
  /** Upper bound on this process's connections to Postgres. */
  poolSize?: number;
  /** Called with each statement Prisma sends; used by tests that count queries. */
  onQuery?: (sql: string) => void;
};

/** The constructor options every service's PrismaClient is given. */
export type ServiceClientOptions = {
  adapter: PrismaPg;
  log: Array<{ emit: 'event'; level: 'query' }>;
};

type QueryEvents = {
  $on(event: 'query', cb: (e: { query: string; duration: number }) => void): void;
};

const instruments = new WeakMap<object, DatabaseInstruments>();

/**
 * Builds a service's PrismaClient over a pool of our own, so that a server can read the pool's
 * usage and every statement's duration (see `databaseInstruments`). Only the pg adapter's
 * `schema` option routes queries to the service's own Postgres schema: `?schema=` in the URL
 * and `search_path` are ignored by the adapter.
 */
export function createServiceClient<C extends object>(
  schema: string,
  { databaseUrl, poolSize = 10, onQuery }: ClientOptions,
  construct: (options: ServiceClientOptions) => C,
): C {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    idleTimeoutMillis: 30_000,
  });
  const client = construct({
    // The adapter ends the pool on $disconnect, as it did when it made the pool itself.
    adapter: new PrismaPg(pool, { schema, disposeExternalPool: true }),
    // Prisma times statements only when asked at construction, before any server has
    // subscribed. The event costs a few microseconds; a round trip costs hundreds.
    log: [{ emit: 'event', level: 'query' }],
  });
  const listeners = new Set<StatementListener>();
  if (onQuery) listeners.add((sql) => onQuery(sql));
  (client as unknown as QueryEvents).$on('query', (event) => {
    for (const listener of listeners) listener(event.query, event.duration);
  });
  instruments.set(client, {
    poolUsage: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: poolSize,
    }),
    onStatement(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  });
  return client;
}

/**
 * The pool usage and statement timings of a client made by `createUsersClient`,
 * `createOrdersClient` or `createTasksClient`; undefined for any other object. After
 * `$disconnect` the pool is ended and reads as empty.
 */
export function databaseInstruments(client: object): DatabaseInstruments | undefined {
  return instruments.get(client);
}
