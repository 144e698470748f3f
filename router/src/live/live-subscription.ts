/**
 * One subscriber's stream of results. Events only say which order changed and its version;
 * each accepted event re-reads the order as the subscriber. Reads run one at a time per
 * subscriber and coalesce, so a burst of events costs one read and no older state is sent
 * after a newer one; an event whose version was already read is dropped.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Viewer } from '@supergraph/auth';
import type { OrderEventHub } from './order-event-hub.ts';
import { VERSION_ALIAS, type LiveOperation } from './live-operation.ts';
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
  /** Called once when the subscription ends, however it ends. */
  onEnd: () => void;
};

/** Versions remembered per subscriber that follows many orders; the oldest are forgotten. */
const MAX_REMEMBERED = 1_000;
/**
 * Over how long the re-reads after Redis comes back are spread, so that a router with many
 * subscribers does not send the subgraphs all of them at once.
 */
const RESYNC_SPREAD_MS = 2_000;
/** setTimeout's longest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function errorResult(message: string, code: string): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code } })] };
}

/** Remembers a version per order, the oldest forgotten first. */
function remember(versions: Map<string, number>, orderId: string, version: number) {
  versions.delete(orderId);
  versions.set(orderId, version);
  if (versions.size > MAX_REMEMBERED) {
    const [oldest] = versions.keys();
    if (oldest !== undefined) versions.delete(oldest);
  }
}

/** The order's version in a read, taken out of what the subscriber will see. */
function takeVersion(result: ExecutionResult, responseKey: string): number | null {
  const order = (
    result.data as Record<string, Record<string, unknown> | null> | null | undefined
  )?.[responseKey];
  if (!order) return null;
  const version = order[VERSION_ALIAS];
  delete order[VERSION_ALIAS];
  return typeof version === 'number' ? version : null;
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
  /** The newest version heard of or read, per order: an event at or below it is old news. */
  const known = new Map<string, number>();
  /** The version each order's last message showed: a read at or below it is not sent. */
  const delivered = new Map<string, number>();
  let wake: (() => void) | null = null;
  let done = false;
  let reading = false;

  metrics.subscriptions.inc({ transport });

  function finish(last: ExecutionResult | null) {
    if (done) return;
    done = true;
    if (last) queue.push(last);
    stopListening();
    clearTimeout(expiry);
    metrics.subscriptions.dec({ transport });
    options.onEnd();
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
        const version = takeVersion(result, responseKey);
        if (version !== null) {
          // Reads of one subscription run one at a time, so a read never shows an older state
          // than the last one sent; this skips one that shows the same.
          if (version <= (delivered.get(orderId) ?? 0)) continue;
          remember(delivered, orderId, version);
          if (version > (known.get(orderId) ?? 0)) remember(known, orderId, version);
        }
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

  const scope =
    target.kind === 'order'
      ? { orderId: target.orderId }
      : viewer.role === 'CUSTOMER'
        ? { customerId: viewer.id }
        : ('all' as const);
  const stopListening = options.hub.listen(scope, {
    event(event) {
      if (done || event.version <= (known.get(event.orderId) ?? 0)) return;
      remember(known, event.orderId, event.version);
      schedule(event.orderId);
    },
    resync() {
      if (done || target.kind !== 'order') return;
      const timer = setTimeout(() => schedule(target.orderId), Math.random() * RESYNC_SPREAD_MS);
      timer.unref();
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
