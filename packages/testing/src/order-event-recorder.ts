import { once } from 'node:events';
import { Redis } from 'ioredis';
import { orderEventsChannel, parseOrderEvent, type OrderEvent } from '@supergraph/redis';
import { waitUntil } from './free-port.ts';

/**
 * Hears the order events of one deployment (one QUEUE_PREFIX) as a router would: a plain
 * ioredis subscriber on the channel, recording every message in the order it arrived.
 */
export class OrderEventRecorder {
  /** Every event heard so far; a message that does not parse is recorded as null. */
  readonly events: Array<OrderEvent | null> = [];

  private constructor(private readonly subscriber: Redis) {}

  /** Subscribed once this resolves: no event published afterwards is missed. */
  static async start(redisUrl: string, prefix: string): Promise<OrderEventRecorder> {
    const subscriber = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const recorder = new OrderEventRecorder(subscriber);
    const channel = orderEventsChannel(prefix);
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) recorder.events.push(parseOrderEvent(message));
    });
    await subscriber.connect();
    await subscriber.subscribe(channel);
    return recorder;
  }

  /** The events about one order, in the order they arrived. */
  of(orderId: string): Array<OrderEvent | null> {
    return this.events.filter((event) => event === null || event.orderId === orderId);
  }

  /** Waits until the events about `orderId` pass `accept`; returns them. */
  async waitFor(
    orderId: string,
    accept: (events: Array<OrderEvent | null>) => boolean,
    timeoutMs = 10_000,
  ): Promise<Array<OrderEvent | null>> {
    try {
      return await waitUntil(
        () => {
          const events = this.of(orderId);
          return accept(events) ? events : null;
        },
        { timeoutMs, intervalMs: 20, what: `order events of ${orderId}` },
      );
    } catch (error) {
      // What did arrive is what tells a missing event from a wrong one.
      throw new Error(`${(error as Error).message}; heard ${JSON.stringify(this.of(orderId))}`);
    }
  }

  async close(): Promise<void> {
    if (this.subscriber.status === 'end') return;
    const ended = once(this.subscriber, 'end');
    this.subscriber.disconnect();
    await ended;
  }
}
