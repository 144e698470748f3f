import type { Prisma, PrismaClient } from '@supergraph/prisma/tasks';
import { listenChannel } from '@supergraph/prisma/listen';
import {
  QUEUE_NAMES,
  type OutboxEntry,
  type OutboxRow,
  type OutboxStore,
  type QueueName,
} from '@supergraph/queues';

/** The channel the outbox's insert trigger notifies (see the migration). */
const CHANNEL = 'tasks_outbox';

/** Writes `entries` with the caller's transaction, so that they commit or roll back with it. */
export async function appendOutbox(
  tx: Prisma.TransactionClient,
  entries: readonly OutboxEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.outboxMessage.createMany({
    data: entries.map((entry) => ({
      queue: entry.queue,
      action: entry.action,
      jobName: entry.jobName,
      jobId: entry.jobId,
      payload: entry.payload as Prisma.InputJsonValue,
      runAt: entry.runAt,
    })),
  });
}

type RawRow = {
  id: string;
  queue: string;
  action: string;
  job_name: string;
  job_id: string;
  payload: unknown;
  run_at: Date | null;
};

function isQueueName(name: string): name is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(name);
}

function fromRaw(row: RawRow): OutboxRow {
  // A job put on a queue that no worker serves would be lost without a trace; failing the
  // pass keeps the row, and the relay's warnings point at it.
  if (!isQueueName(row.queue)) {
    throw new Error(`outbox row ${row.id} names unknown queue ${row.queue}`);
  }
  if (row.action !== 'ADD' && row.action !== 'REMOVE') {
    throw new Error(`outbox row ${row.id} has unknown action ${row.action}`);
  }
  return {
    id: row.id,
    queue: row.queue,
    action: row.action,
    jobName: row.job_name,
    jobId: row.job_id,
    payload: row.payload,
    runAt: row.run_at,
  };
}

/** The tasks service's outbox, as the relay uses it. */
export class TasksOutbox implements OutboxStore {
  constructor(
    private readonly db: PrismaClient,
    private readonly databaseUrl: string,
  ) {}

  async dispatchBatch(
    limit: number,
    dispatch: (rows: OutboxRow[]) => Promise<void>,
  ): Promise<number> {
    return this.db.$transaction(
      async (tx) => {
        // SKIP LOCKED lets several relays run at once: each takes rows no other one holds.
        const raw = await tx.$queryRaw<RawRow[]>`
          SELECT id::text AS id, queue, action::text AS action, job_name, job_id, payload, run_at
          FROM "tasks"."outbox"
          WHERE dispatched_at IS NULL
          ORDER BY id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED`;
        const rows = raw.map(fromRaw);
        if (rows.length === 0) return 0;
        await dispatch(rows);
        await tx.$executeRaw`
          UPDATE "tasks"."outbox" SET dispatched_at = now()
          WHERE id = ANY(${rows.map((row) => row.id)}::uuid[])`;
        return rows.length;
      },
      // Dispatching talks to Redis while the rows stay locked; a producer fails fast, so this
      // only bounds a pathological pass.
      { timeout: 15_000 },
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

  /** Deletes rows dispatched before `olderThan`; returns how many. */
  async purgeDispatched(olderThan: Date): Promise<number> {
    const { count } = await this.db.outboxMessage.deleteMany({
      where: { dispatchedAt: { lt: olderThan } },
    });
    return count;
  }
}
