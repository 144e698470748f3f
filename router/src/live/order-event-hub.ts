/**
 * The router's one Redis subscription to order events, fanned out in memory to every live
 * subscription it serves: any number of subscribers cost Redis one subscriber connection per
 * router, and every router replica hears every event.
 */
import {
  duplicateConnection,
  orderEventsChannel,
  parseOrderEvent,
  type OrderEvent,
  type RedisClient,
} from '@supergraph/redis';
import type { Logger } from '@supergraph/observability';

export type OrderEventListener = {
  event(event: OrderEvent): void;
  /** Redis was away and is back: events may have been missed, so read the current state. */
  resync(): void;
};

/** Which events a listener hears: one order's, one customer's, or every one. */
export type OrderEventScope = { orderId: string } | { customerId: string } | 'all';

export type OrderEventHub = {
  listen(scope: OrderEventScope, listener: OrderEventListener): () => void;
  close(): Promise<void>;
};

/** Listeners by key, so an event costs only the subscriptions it concerns. */
class ListenerIndex {
  private readonly byKey = new Map<string, Set<OrderEventListener>>();

  add(key: string, listener: OrderEventListener): () => void {
    let listeners = this.byKey.get(key);
    if (!listeners) this.byKey.set(key, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.byKey.delete(key);
    };
  }

  get(key: string): Iterable<OrderEventListener> {
    return this.byKey.get(key) ?? [];
  }

  *all(): Iterable<OrderEventListener> {
    for (const listeners of this.byKey.values()) yield* listeners;
  }

  clear() {
    this.byKey.clear();
  }
}

/**
 * Subscribes on a connection of its own (a subscribed connection can do nothing else) and
 * re-subscribes, then tells every listener to resync, each time Redis comes back.
 */
export function createOrderEventHub(options: {
  redis: RedisClient;
  prefix: string;
  logger: Logger;
}): OrderEventHub {
  const { logger } = options;
  const channel = orderEventsChannel(options.prefix);
  const byOrder = new ListenerIndex();
  const byCustomer = new ListenerIndex();
  const everything = new Set<OrderEventListener>();
  const subscriber = duplicateConnection(options.redis);
  let lost = false;

  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const event = parseOrderEvent(message);
    if (!event) {
      logger.warn({ channel }, 'malformed order event dropped');
      return;
    }
    for (const listener of byOrder.get(event.orderId)) listener.event(event);
    for (const listener of byCustomer.get(event.customerId)) listener.event(event);
    for (const listener of everything) listener.event(event);
  });
  subscriber.on('error', (error: unknown) => {
    logger.warn({ err: error }, 'order events: Redis error');
  });
  subscriber.on('close', () => {
    lost = true;
  });
  subscriber.on('ready', () => {
    if (!lost) return;
    lost = false;
    // ioredis re-subscribes on reconnect by itself; whatever was published meanwhile is gone.
    logger.info('order events: Redis is back; live subscriptions read their current state');
    for (const listener of [...byOrder.all(), ...byCustomer.all(), ...everything]) {
      listener.resync();
    }
  });
  // Not awaited: a router starts and serves queries while Redis is away.
  subscriber.subscribe(channel).catch((error: unknown) => {
    logger.warn({ err: error, channel }, 'order events: could not subscribe');
  });

  return {
    listen(scope, listener) {
      if (scope === 'all') {
        everything.add(listener);
        return () => everything.delete(listener);
      }
      return 'orderId' in scope
        ? byOrder.add(scope.orderId, listener)
        : byCustomer.add(scope.customerId, listener);
    },
    async close() {
      byOrder.clear();
      byCustomer.clear();
      everything.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
