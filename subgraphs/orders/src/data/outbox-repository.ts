import {
  QUEUE_NAMES,
  type OutboxEntry,
  type OutboxRow,
  type OutboxStore,
  type QueueName,
} from '@supergraph/queues';
import { listenChannel } from '@supergraph/prisma/listen';
import { Prisma, type PrismaClient } from '@supergraph/prisma/orders';

/** The channel the outbox's insert trigger notifies (see the jobs migration). */
const CHANNEL = 'orders_outbox';

/**
 * Longer than any dispatch should take: the rows stay locked, and invisible to other relays,
 * for as long as Redis takes to accept them.
 */
const DISPATCH_TIMEOUT_MS = 15_000;

/** The rows to insert for `entries`, inside the transaction of the change that causes them. */
export function outboxData(entries: readonly OutboxEntry[]): Prisma.OutboxMessageCreateManyInput[] {
  return entries.map((entry) => ({
    queue: entry.queue,
    action: entry.action,
    jobName: entry.jobName,
    jobId: entry.jobId,
    payload: entry.payload as Prisma.InputJsonValue,
    runAt: entry.runAt,
  }));
}

type RawRow = {
  id: string;
  queue: string;
  action: string;
  jobName: string;
  jobId: string;
  payload: unknown;
  runAt: Date | null;
};

function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}

function toOutboxRow(row: RawRow): OutboxRow {
  // A job enqueued on a queue nobody works would be lost without a trace; stopping the relay
  // makes the bad row visible instead.
  if (!isQueueName(row.queue))
    throw new Error(`outbox row ${row.id} names unknown queue ${row.queue}`);
  if (row.action !== 'ADD' && row.action !== 'REMOVE') {
    throw new Error(`outbox row ${row.id} has unknown action ${row.action}`);
  }
  return {
    id: row.id,
    queue: row.queue,
    action: row.action,
    jobName: row.jobName,
    jobId: row.jobId,
    payload: row.payload,
    runAt: row.runAt,
  };
}

/** The orders service's outbox, as the relay reads it. */
export class OrdersOutbox implements OutboxStore {
  constructor(
    private readonly db: PrismaClient,
    private readonly databaseUrl: string,
  ) {}

  dispatchBatch(limit: number, dispatch: (rows: OutboxRow[]) => Promise<void>): Promise<number> {
    return this.db.$transaction(
      async (tx) => {
        // SKIP LOCKED lets several relays share the outbox: each takes rows no other one holds,
        // instead of waiting for them and then dispatching them a second time.
        const raw = await tx.$queryRaw<RawRow[]>(Prisma.sql`
          SELECT id::text AS "id",
                 queue,
                 action::text AS "action",
                 job_name AS "jobName",
                 job_id AS "jobId",
                 payload,
                 run_at AS "runAt"
          FROM "orders"."outbox"
          WHERE dispatched_at IS NULL
          ORDER BY id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED`);
        if (raw.length === 0) return 0;
        const rows = raw.map(toOutboxRow);
        await dispatch(rows);
        await tx.$executeRaw(Prisma.sql`
          UPDATE "orders"."outbox" SET dispatched_at = now()
          WHERE id = ANY(${rows.map((row) => row.id)}::uuid[])`);
        return rows.length;
      },
      { timeout: DISPATCH_TIMEOUT_MS },
    );
  }

  async listen(
    onMessage: () => void,
    onError: (error: Error) => void,
  ): Promise<() => Promise<void>> {
    const listener = await listenChannel({
      databaseUrl: this.databaseUrl,
      channel: CHANNEL,
      onNotify: onMessage,
      onError,
    });
    return () => listener.stop();
  }

  /**
   * Deletes rows dispatched before `olderThan`, so that the table, and the index the relay
   * scans, stay small. Returns how many were deleted.
   */
  async purgeDispatched(olderThan: Date): Promise<number> {
    const { count } = await this.db.outboxMessage.deleteMany({
      where: { dispatchedAt: { lt: olderThan } },
    });
    return count;
  }
}
