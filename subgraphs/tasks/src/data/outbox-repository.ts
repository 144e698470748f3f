import type { Prisma, PrismaClient } from '@supergraph/prisma/tasks';
import { sqlOutboxStore, type OutboxEntry, type SqlOutboxStore } from '@supergraph/queues';

/** Writes `entries` with the caller's transaction, so that they commit or roll back with it. */
export async function appendOutbox(
  tx: Prisma.TransactionClient,
  entries: readonly OutboxEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await tx.outboxMessage.createMany({ data: [...entries] });
}

/** The tasks service's outbox, as the relay reads it. */
export function createTasksOutbox(db: PrismaClient, databaseUrl: string): SqlOutboxStore {
  return sqlOutboxStore({
    schema: 'tasks',
    db,
    databaseUrl,
    transaction: (fn, options) => db.$transaction(fn, options),
  });
}
