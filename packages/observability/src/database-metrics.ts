/**
 * A subgraph's database series: how long statements take, by kind, and how full the connection
 * pool is. The Prisma package provides the instruments (DatabaseInstruments); common only reads
 * them, so that it does not depend on Prisma.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Gauge, Histogram, type Registry } from 'prom-client';

/** The connections of one pool at one moment. */
export type PoolUsage = {
  /** Open connections, busy or idle. */
  total: number;
  idle: number;
  /** Queries queued for a connection because all `max` are busy. */
  waiting: number;
  max: number;
};

/** Called after each statement with its SQL and how long it took, in milliseconds. */
export type StatementListener = (sql: string, durationMs: number) => void;

/** What a database client lets its server observe. */
export type DatabaseInstruments = {
  /** The pool's connections now; cheap enough to call on every scrape. */
  poolUsage(): PoolUsage;
  /** Adds a listener for every statement; returns the function that removes it. */
  onStatement(listener: StatementListener): () => void;
};

/** The `statement` label's values: a fixed set, whatever SQL is sent. */
export const STATEMENT_KINDS = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'other',
] as const;

export type StatementKind = (typeof STATEMENT_KINDS)[number];

/** The first word, past whitespace, comments and parentheses; no nested quantifier to backtrack. */
const FIRST_WORD = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*([A-Za-z]+)/;
/** The first write of a WITH statement; `FOR [NO KEY] UPDATE` is a lock taken by a read. */
const FIRST_WRITE = /\b(INSERT|(?<!\bFOR\s+|\bKEY\s+)UPDATE|DELETE)\b/i;

/**
 * The kind of a statement, by its verb. A WITH statement counts as its first INSERT, UPDATE or
 * DELETE (the orders and tasks writes are CTEs), and as a SELECT when it has none. It is a
 * heuristic: a quoted identifier or a string literal spelling one of those words can mislead it.
 */
export function statementKind(sql: string): StatementKind {
  const verb = FIRST_WORD.exec(sql)?.[1]?.toUpperCase();
  switch (verb) {
    case 'SELECT':
    case 'INSERT':
    case 'UPDATE':
    case 'DELETE':
    case 'BEGIN':
    case 'COMMIT':
    case 'ROLLBACK':
      return verb;
    case 'WITH':
      return (FIRST_WRITE.exec(sql)?.[1]?.toUpperCase() as StatementKind | undefined) ?? 'SELECT';
    default:
      return 'other';
  }
}

const DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/**
 * Registers the database series into `registry` and starts timing statements. Pool gauges are
 * read when Prometheus scrapes, so they cost nothing between scrapes. Returns the function
 * that stops timing.
 */
export function registerDatabaseMetrics(
  registry: Registry,
  database: DatabaseInstruments,
): () => void {
  const duration = new Histogram({
    name: 'db_query_duration_seconds',
    help: 'Statements sent to Postgres, by kind, timed from the call to its result, including any wait for a pool connection.',
    labelNames: ['statement'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Connections of the Postgres pool: total (open), idle, and waiting (queries queued for one).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const usage = database.poolUsage();
      this.set({ state: 'total' }, usage.total);
      this.set({ state: 'idle' }, usage.idle);
      this.set({ state: 'waiting' }, usage.waiting);
    },
  });
  new Gauge({
    name: 'db_pool_max',
    help: 'Most connections the Postgres pool may open.',
    registers: [registry],
    collect() {
      this.set(database.poolUsage().max);
    },
  });
  // One child per kind, made once: observing then skips validating the label on every statement.
  const byKind = new Map(STATEMENT_KINDS.map((kind) => [kind, duration.labels(kind)]));
  return database.onStatement((sql, durationMs) =>
    byKind.get(statementKind(sql))?.observe(durationMs / 1000),
  );
}

/** The database series of a server, timing statements from its start to its stop. */
export function databaseMetricsPlugin<C extends BaseContext>(
  registry: Registry,
  database: DatabaseInstruments,
): ApolloServerPlugin<C> {
  return {
    async serverWillStart() {
      const stop = registerDatabaseMetrics(registry, database);
      return {
        async serverWillStop() {
          stop();
        },
      };
    },
  };
}
