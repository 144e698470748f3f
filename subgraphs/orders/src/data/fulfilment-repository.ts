import type { OrderStatus, PrismaClient } from '@supergraph/prisma/orders';
import type { OrderEvent, OrderEventPublisher } from '../order-event-publisher.ts';

/**
 * The statuses each transition may start from. CANCELLED is in neither: a fulfilment event
 * that arrives after a cancellation must not bring the order back.
 */
const CONFIRMABLE: OrderStatus[] = ['PENDING'];
const FULFILLABLE: OrderStatus[] = ['PENDING', 'CONFIRMED'];

/**
 * Moves orders along as the tasks service reports fulfilment work. Each change is one
 * conditional update, so that events arriving late, twice or out of order cannot move an
 * order backwards; a change that happened is announced once it has committed.
 */
export class FulfilmentRepository {
  constructor(
    private readonly db: PrismaClient,
    private readonly events: OrderEventPublisher,
  ) {}

  /** PENDING → CONFIRMED; whether the order changed. */
  markConfirmed(orderId: string): Promise<boolean> {
    return this.move(orderId, CONFIRMABLE, 'CONFIRMED');
  }

  /** PENDING or CONFIRMED → FULFILLED; whether the order changed. */
  markFulfilled(orderId: string): Promise<boolean> {
    return this.move(orderId, FULFILLABLE, 'FULFILLED');
  }

  private async move(orderId: string, from: OrderStatus[], to: OrderStatus): Promise<boolean> {
    // One plain statement: the saga moves every order twice, on the worker's hot path.
    const [moved] = await this.db.$queryRaw<OrderEvent[]>`
      UPDATE "orders"."orders"
      SET status = ${to}::"orders"."OrderStatus", version = version + 1, updated_at = now()
      WHERE id = ${orderId}::uuid AND status::text = ANY(${from}::text[])
      RETURNING id::text AS "orderId", customer_id::text AS "customerId", version`;
    if (!moved) return false;
    await this.events.publish(moved);
    return true;
  }
}
