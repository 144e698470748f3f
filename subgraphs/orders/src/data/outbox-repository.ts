import { sqlOutboxStore, type SqlOutboxStore } from '@supergraph/queues';
import type { PrismaClient } from '@supergraph/prisma/orders';

/** The orders service's outbox, as the relay reads it. */
export function createOrdersOutbox(db: PrismaClient, databaseUrl: string): SqlOutboxStore {
  return sqlOutboxStore({
    schema: 'orders',
    db,
    databaseUrl,
    transaction: (fn, options) => db.$transaction(fn, options),
  });
}
