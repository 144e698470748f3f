/**
 * One subscriber's stream of results. Events only say which order changed and its version;
 * each accepted event re-reads the order as the subscriber. Reads run one at a time per
 * subscriber and coalesce, so a burst of events costs one read and no older state is sent
 * after a newer one; an event whose version was already read is dropped.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Viewer } from '@supergraph/auth';
import type { OrderEventHub } from './order-event-hub.ts';
import type { LiveOperation } from './live-operation.ts';
import type { LiveMetrics, Transport } from './live-metrics.ts';

export type LiveSubscriptionOptions = {
  hub: OrderEventHub;
  operation: LiveOperation;
  viewer: Viewer;
  /** Reads one order with the subscriber's selection, as the subscriber. */
  read: (orderId: string) => Promise<ExecutionResult>;
  /** When the subscriber's session ends, in ms since the epoch. */
  expiresAt: number;
  /** Results a subscriber may leave unread before it is dropped. */
  maxPending: number;
  /** Whether the connection has more unsent bytes than a healthy client leaves. */
  congested: () => boolean;
  /** Cuts the subscriber's connection: a link too full to carry even a last message. */
  disconnect: () => void;
  metrics: LiveMetrics;
  transport: Transport;
};

/** Versions remembered per subscriber that follows all orders; older ones are forgotten. */
const MAX_REMEMBERED = 10_000;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function errorResult(message: string, code: string): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code } })] };
}

function isNotFound(result: ExecutionResult, responseKey: string): boolean {
  const value = (result.data as Record<string, unknown> | null | undefined)?.[responseKey];
  if (value !== null && value !== undefined) return false;
  return (
    !result.errors?.length || result.errors.some((error) => error.extensions?.code === 'NOT_FOUND')
  );
}

export function liveSubscription(
  options: LiveSubscriptionOptions,
): AsyncGenerator<ExecutionResult, undefined> {
  const { operation, viewer, metrics, transport } = options;
  const { target, responseKey } = operation;
  const queue: ExecutionResult[] = [];
  const pending = new Set<string>();
  const versions = new Map<string, number>();
  let wake: (() => void) | null = null;
  let done = false;
  let reading = false;

  metrics.subscriptions.inc({ transport });

  const follows = (orderId: string, customerId: string) =>
    target.kind === 'order'
      ? orderId === target.orderId
      : viewer.role !== 'CUSTOMER' || customerId === viewer.id;

  function finish(last: ExecutionResult | null) {
    if (done) return;
    done = true;
    if (last) queue.push(last);
    stopListening();
    clearTimeout(expiry);
    metrics.subscriptions.dec({ transport });
    wake?.();
  }

  function push(result: ExecutionResult) {
    if (queue.length >= options.maxPending || options.congested()) {
      metrics.drops.inc({ transport, reason: 'slow_consumer' });
      finish(errorResult('Dropped: updates piled up faster than they were read.', 'SLOW_CONSUMER'));
      options.disconnect();
      return;
    }
    queue.push(result);
    wake?.();
  }

  async function drain() {
    if (reading) return;
    reading = true;
    try {
      while (pending.size > 0 && !done) {
        const [orderId] = pending;
        if (orderId === undefined) break;
        pending.delete(orderId);
        const result = await options
          .read(orderId)
          .catch((error: unknown) =>
            errorResult(
              error instanceof Error ? error.message : 'Could not read the order.',
              'INTERNAL_SERVER_ERROR',
            ),
          );
        if (done) break;
        if (isNotFound(result, responseKey)) {
          // Another customer's order reads as missing, exactly as it does for a query; a
          // subscriber to all of its orders simply does not see it.
          if (target.kind === 'order') finish(errorResult('Order not found.', 'NOT_FOUND'));
          continue;
        }
        push(result);
      }
    } finally {
      reading = false;
    }
  }

  function schedule(orderId: string) {
    pending.add(orderId);
    void drain();
  }

  const stopListening = options.hub.listen({
    event(event) {
      if (done || !follows(event.orderId, event.customerId)) return;
      if (event.version <= (versions.get(event.orderId) ?? 0)) return;
      versions.set(event.orderId, event.version);
      if (versions.size > MAX_REMEMBERED) {
        const [oldest] = versions.keys();
        if (oldest !== undefined) versions.delete(oldest);
      }
      schedule(event.orderId);
    },
    resync() {
      if (!done && target.kind === 'order') schedule(target.orderId);
    },
  });

  const expiry = setTimeout(
    () => finish(errorResult('Your session has expired; log in again.', 'UNAUTHENTICATED')),
    Math.min(Math.max(options.expiresAt - Date.now(), 0), MAX_TIMER_MS),
  );
  expiry.unref();

  // The first message is the order as it is now, so a late subscriber misses nothing.
  if (target.kind === 'order') schedule(target.orderId);

  const iterator: AsyncGenerator<ExecutionResult, undefined> = {
    async next() {
      for (;;) {
        const value = queue.shift();
        if (value) {
          metrics.delivered.inc({ transport });
          return { value, done: false };
        }
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    },
    async return() {
      finish(null);
      queue.length = 0;
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      finish(null);
      queue.length = 0;
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
