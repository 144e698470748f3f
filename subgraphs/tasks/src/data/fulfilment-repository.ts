import { uuid7 } from '@supergraph/common';
import { outbox, type OrderEvent } from '@supergraph/queues';
import type { Prisma, PrismaClient, TaskKind } from '@supergraph/prisma/tasks';
import { outboxForChange } from '../task-events.ts';
import { appendOutbox } from './outbox-repository.ts';

/** The key that makes an order's fulfilment task unique: one per order, however often told. */
export const fulfilmentKey = (orderId: string) => `fulfil.${orderId}`;

/** `Fulfil order #89abcdef0123`: the tail of the id, as the shop shows order numbers. */
export const fulfilmentTitle = (orderId: string) =>
  `Fulfil order #${orderId.replaceAll('-', '').slice(-12)}`;

export type FulfilmentOutcome = 'created' | 'exists';

type CancelledRow = {
  id: string;
  kind: TaskKind;
  due_at: Date | null;
  order_id: string | null;
};

/** The tasks side of the order saga: what order events do to tasks. */
export class FulfilmentRepository {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Creates the order's fulfilment task and, with it, the message that fulfilment started,
   * unless a task for the order exists already: a redelivered event, or a cancellation that
   * arrived first and left a CANCELLED task behind.
   */
  async start(event: OrderEvent): Promise<FulfilmentOutcome> {
    const originKey = fulfilmentKey(event.orderId);
    const taskId = uuid7();
    const [message] = outbox.fulfilmentStarted(event.orderId, taskId);
    // One statement, the hot path of every order: the lock is taken before the insert (the
    // insert reads from it), a unique origin key makes a redelivery a no-op, and the outbox
    // row is written only for a task actually created.
    const created = await this.db.$queryRaw<Array<{ id: string }>>`
      WITH lock AS (
        SELECT pg_advisory_xact_lock(hashtextextended(${originKey}, 0))
      ), task AS (
        INSERT INTO "tasks"."tasks"
          (id, title, status, owner_id, order_id, kind, origin_key, created_at, updated_at)
        SELECT ${taskId}::uuid, ${fulfilmentTitle(event.orderId)}, 'OPEN'::"tasks"."TaskStatus",
               ${event.customerId}::uuid, ${event.orderId}::uuid,
               'FULFILMENT'::"tasks"."TaskKind", ${originKey}, now(), now()
        FROM lock
        ON CONFLICT (origin_key) DO NOTHING
        RETURNING id
      ), message AS (
        INSERT INTO "tasks"."outbox" (id, queue, action, job_name, job_id, payload)
        SELECT ${uuid7()}::uuid, ${message!.queue}, 'ADD'::"tasks"."OutboxAction",
               ${message!.jobName}, ${message!.jobId}, ${JSON.stringify(message!.payload)}::jsonb
        FROM task
      )
      SELECT id::text AS id FROM task`;
    return created.length === 1 ? 'created' : 'exists';
  }

  /**
   * Cancels the order's OPEN fulfilment task and the customer's own OPEN to-dos linked to it,
   * with their reminders. Anyone may link a to-do to an order id, so another user's to-do is
   * left alone: cancelling it would tell that user what the customer did with their order. When the order's fulfilment
   * task does not exist yet (the cancellation overtook the placement), it is created already
   * CANCELLED, so that the late placement finds it and creates nothing. Returns the ids of
   * the tasks it cancelled.
   */
  async cancel(event: OrderEvent): Promise<string[]> {
    return this.db.$transaction(async (tx) => {
      await lockOrder(tx, event.orderId);
      const originKey = fulfilmentKey(event.orderId);
      if (!(await tx.task.findUnique({ where: { originKey }, select: { id: true } }))) {
        await tx.task.create({
          data: {
            kind: 'FULFILMENT',
            originKey,
            title: fulfilmentTitle(event.orderId),
            ownerId: event.customerId,
            orderId: event.orderId,
            status: 'CANCELLED',
          },
        });
      }
      // One statement, so that a task completed meanwhile is left as it is. Raw SQL bypasses
      // @updatedAt, hence the explicit updated_at.
      const cancelled = await tx.$queryRaw<CancelledRow[]>`
        UPDATE "tasks"."tasks"
        SET status = 'CANCELLED'::"tasks"."TaskStatus", completed_at = NULL, updated_at = now()
        WHERE order_id = ${event.orderId}::uuid AND status = 'OPEN'::"tasks"."TaskStatus"
          AND (kind = 'FULFILMENT'::"tasks"."TaskKind" OR owner_id = ${event.customerId}::uuid)
        RETURNING id::text AS id, kind::text AS kind, due_at, order_id::text AS order_id`;
      await appendOutbox(
        tx,
        cancelled.flatMap((row) => {
          const before = {
            id: row.id,
            kind: row.kind,
            dueAt: row.due_at,
            orderId: row.order_id,
            status: 'OPEN' as const,
          };
          return outboxForChange(before, { ...before, status: 'CANCELLED' });
        }),
      );
      return cancelled.map((row) => row.id);
    });
  }
}

/**
 * Serialises the saga's transactions for one order: a placement and a cancellation handled at
 * the same moment each see the other's task, instead of both finding none.
 */
async function lockOrder(tx: Prisma.TransactionClient, orderId: string): Promise<void> {
  const key = fulfilmentKey(orderId);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}
