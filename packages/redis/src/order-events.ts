/**
 * What the orders service tells the routers after a change to an order has committed: which
 * order, whose, and its version. Routers resolve the order's current state themselves, as each
 * subscriber, so an event carries no data a subscriber might not be allowed to see.
 */
import type { RedisClient } from './redis-client.ts';

export type OrderEvent = {
  orderId: string;
  customerId: string;
  /** Goes up by one with every change of the order's status or of its confirmation email's. */
  version: number;
};

/** One channel per deployment: QUEUE_PREFIX keeps test runs and tenants of one Redis apart. */
export function orderEventsChannel(prefix: string): string {
  return `${prefix}:order-events`;
}

/** Publishes after the change has committed; a failure is the caller's to log, not to undo. */
export async function publishOrderEvent(
  redis: RedisClient,
  prefix: string,
  event: OrderEvent,
): Promise<void> {
  await redis.publish(orderEventsChannel(prefix), JSON.stringify(event));
}

/** Reads a message off the channel; anything malformed is null. */
export function parseOrderEvent(message: string): OrderEvent | null {
  try {
    const value = JSON.parse(message) as Partial<OrderEvent>;
    if (
      typeof value.orderId === 'string' &&
      typeof value.customerId === 'string' &&
      typeof value.version === 'number' &&
      Number.isInteger(value.version)
    ) {
      return { orderId: value.orderId, customerId: value.customerId, version: value.version };
    }
  } catch {
    // Not JSON: dropped like any other malformed message.
  }
  return null;
}
