import { PrismaPg } from '@prisma/adapter-pg';

export type ClientOptions = {
  databaseUrl: string;
  /** Upper bound on this process's connections to Postgres. */
  poolSize?: number;
  /** Called with each statement Prisma sends; used by tests that count queries. */
  onQuery?: (sql: string) => void;
};

/**
 * Constructor options for a service's PrismaClient. Only the pg adapter's `schema` option
 * routes queries to the service's own Postgres schema: `?schema=` in the URL and
 * `search_path` are ignored by the adapter.
 */
export function clientOptions(
  schema: string,
  { databaseUrl, poolSize = 10, onQuery }: ClientOptions,
) {
  return {
    adapter: new PrismaPg(
      { connectionString: databaseUrl, max: poolSize, idleTimeoutMillis: 30_000 },
      { schema },
    ),
    log: onQuery ? [{ emit: 'event' as const, level: 'query' as const }] : [],
  };
}

type QueryEvents = { $on(event: 'query', cb: (e: { query: string }) => void): void };

export function withQueryListener<C>(client: C, onQuery: ClientOptions['onQuery']): C {
  if (onQuery) (client as unknown as QueryEvents).$on('query', (e) => onQuery(e.query));
  return client;
}
