import { sqlOutboxStore, type OutboxEntry, type SqlOutboxStore } from '@supergraph/queues';
import type { Prisma} from '@supergraph/prisma/orders';
import { type PrismaClient } from '@supergraph/prisma/orders';

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

/** The orders service's outbox, as the relay reads it. */
export function createOrdersOutbox(db: PrismaClient, databaseUrl: string): SqlOutboxStore {
  return sqlOutboxStore({
    schema: 'orders',
    db,
    databaseUrl,
    transaction: (fn, options) => db.$transaction(fn, options),
  });
}
