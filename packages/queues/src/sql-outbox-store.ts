import { listenChannel } from '@supergraph/prisma/listen';
import { QUEUE_NAMES, type QueueName } from './definitions.ts';
import type { OutboxRow, OutboxStore } from './outbox-relay.ts';

/** The part of a Prisma client (or its transaction) that the outbox needs. */
export type RawSql = {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
};

export type SqlOutboxOptions<Tx extends RawSql> = {
  /** The Postgres schema that holds the service's `outbox` table. */
  schema: 'orders' | 'tasks';
  db: RawSql;
  /** Runs `fn` in one transaction of the service's client. */
  transaction: <T>(fn: (tx: Tx) => Promise<T>, options: { timeout: number }) => Promise<T>;
  /** Where to LISTEN for the `<schema>_outbox` notifications of the outbox's insert trigger. */
  databaseUrl: string;
};

export type SqlOutboxStore = OutboxStore & {
  /**
   * Deletes rows dispatched before `olderThan`, so that the table, and the index the relay
   * scans, stay small. Returns how many were deleted.
   */
  purgeDispatched(olderThan: Date): Promise<number>;
};

/**
 * Longer than any dispatch should take: the rows stay locked, and invisible to other relays,
 * for as long as Redis takes to accept them.
 */
const DISPATCH_TIMEOUT_MS = 15_000;

type RawRow = {
  id: string;
  queue: string;
  action: string;
  jobName: string;
  jobId: string;
  payload: OutboxRow['payload'];
  runAt: Date | null;
};

function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}

function toOutboxRow(row: RawRow): OutboxRow {
  // A job put on a queue that no worker serves would be lost without a trace; failing the
  // pass keeps the row, and the relay's warnings point at it.
  if (!isQueueName(row.queue)) {
    throw new Error(`outbox row ${row.id} names unknown queue ${row.queue}`);
  }
  if (row.action !== 'ADD' && row.action !== 'REMOVE') {
    throw new Error(`outbox row ${row.id} has unknown action ${row.action}`);
  }
  return { ...row, queue: row.queue, action: row.action };
}

/**
 * A service's outbox table, as the relay reads it. Each service passes its own client and
 * schema, so that it reads only its own outbox.
 */
export function sqlOutboxStore<Tx extends RawSql>(options: SqlOutboxOptions<Tx>): SqlOutboxStore {
  const table = `"${options.schema}"."outbox"`;
  return {
    dispatchBatch(limit, dispatch) {
      return options.transaction(
        async (tx) => {
          // SKIP LOCKED lets several relays share the outbox: each takes rows no other one
          // holds, instead of waiting for them and then dispatching them a second time.
          const raw = await tx.$queryRawUnsafe<RawRow[]>(
            `SELECT id::text AS "id", queue, action::text AS "action", job_name AS "jobName",
                    job_id AS "jobId", payload, run_at AS "runAt"
             FROM ${table}
             WHERE dispatched_at IS NULL
             ORDER BY id
             LIMIT $1
             FOR UPDATE SKIP LOCKED`,
            limit,
          );
          if (raw.length === 0) return 0;
          const rows = raw.map(toOutboxRow);
          await dispatch(rows);
          await tx.$executeRawUnsafe(
            `UPDATE ${table} SET dispatched_at = now() WHERE id = ANY($1::uuid[])`,
            rows.map((row) => row.id),
          );
          return rows.length;
        },
        { timeout: DISPATCH_TIMEOUT_MS },
      );
    },
    async listen(onNotify, onError) {
      const listener = await listenChannel({
        databaseUrl: options.databaseUrl,
        channel: `${options.schema}_outbox`,
        onNotify,
        onError,
      });
      return () => listener.stop();
    },
    purgeDispatched: (olderThan) =>
      options.db.$executeRawUnsafe(
        `DELETE FROM ${table} WHERE dispatched_at < $1::timestamptz`,
        olderThan,
      ),
  };
}
