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

export type OrderEventHub = {
  listen(listener: OrderEventListener): () => void;
  close(): Promise<void>;
};

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
  const listeners = new Set<OrderEventListener>();
  const subscriber = duplicateConnection(options.redis);
  let lost = false;

  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const event = parseOrderEvent(message);
    if (!event) {
      logger.warn({ channel }, 'malformed order event dropped');
      return;
    }
    for (const listener of listeners) listener.event(event);
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
    for (const listener of listeners) listener.resync();
  });
  // Not awaited: a router starts and serves queries while Redis is away.
  subscriber.subscribe(channel).catch((error: unknown) => {
    logger.warn({ err: error, channel }, 'order events: could not subscribe');
  });

  return {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
