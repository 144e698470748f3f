import type { Logger } from '@supergraph/observability';
import type { OutboxEntry } from './definitions.ts';
import type { QueueSet } from './queue-set.ts';

export type OutboxRow = OutboxEntry & { id: string };

/** A service's outbox, as the relay sees it. */
export interface OutboxStore {
  /**
   * In one transaction: locks up to `limit` undispatched rows that no other relay holds,
   * oldest first, hands them to `dispatch`, and marks them dispatched if it resolves. If it
   * throws, the transaction rolls back and the rows stay for the next pass. Returns how many
   * rows were dispatched.
   */
  dispatchBatch(limit: number, dispatch: (rows: OutboxRow[]) => Promise<void>): Promise<number>;
  /** Calls `onMessage` whenever a transaction that wrote rows commits; resolves to a stop. */
  listen(onMessage: () => void, onError: (error: Error) => void): Promise<() => Promise<void>>;
}

export type OutboxRelayOptions = {
  name: string;
  store: OutboxStore;
  queues: QueueSet;
  logger: Logger;
  /** How often to look without a notification: the safety net for a lost one. */
  pollMs?: number;
  batchSize?: number;
  /** The longest wait between tries while Redis or Postgres is failing. */
  maxBackoffMs?: number;
};

/**
 * Enqueues rows in BullMQ under their deterministic job ids. Adding a job whose id already
 * exists is a no-op in BullMQ, so a row dispatched twice (a relay that died between enqueuing
 * and committing) still yields one job. Within a queue, rows apply in outbox order: a reminder
 * removed and then added again (a task completed, then reopened) must end up scheduled.
 */
export async function enqueueRows(queues: QueueSet, rows: readonly OutboxRow[]): Promise<void> {
  const now = Date.now();
  const byQueue = new Map<OutboxRow['queue'], OutboxRow[]>();
  for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
  await Promise.all(
    [...byQueue].map(async ([name, group]) => {
      const queue = queues.get(name);
      let adds: OutboxRow[] = [];
      const flush = async () => {
        if (adds.length === 0) return;
        const chunk = adds;
        adds = [];
        await queue.addBulk(
          chunk.map((row) => ({
            name: row.jobName,
            data: row.payload,
            opts: {
              jobId: row.jobId,
              ...(row.runAt ? { delay: Math.max(0, row.runAt.getTime() - now) } : {}),
            },
          })),
        );
      };
      for (const row of group) {
        if (row.action === 'ADD') {
          adds.push(row);
          continue;
        }
        await flush();
        // An active job cannot be removed; its processor re-checks the task and does nothing.
        await queue.remove(row.jobId);
      }
      await flush();
    }),
  );
}

/** How long a notification waits for others to join its pass. */
const COALESCE_MS = 20;

export class OutboxRelay {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private coalescing = false;
  private failures = 0;
  private stopped = true;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.batchSize = options.batchSize ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  async start(): Promise<void> {
    this.stopped = false;
    try {
      this.unlisten = await this.options.store.listen(
        () => this.soon(),
        (error) =>
          this.options.logger.warn(
            { err: error },
            `${this.options.name} outbox listener failed; polling`,
          ),
      );
    } catch (error) {
      // Polling alone still delivers everything, only later.
      this.options.logger.warn(
        { err: error },
        `${this.options.name} outbox cannot listen; polling`,
      );
    }
    this.wake();
  }

  /**
   * A pass shortly: commits arrive in bursts under load, and one pass for a burst costs one
   * transaction instead of one per order.
   */
  private soon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // While failing, the backoff (and Redis coming back) decides when to try again.
    if (this.coalescing || this.failures > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.coalescing = true;
    this.timer = setTimeout(() => this.wake(), COALESCE_MS);
    this.timer.unref();
  }

  /** Runs a pass now, or right after the current one. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.coalescing = false;
    this.running = this.pass().finally(() => {
      this.running = null;
      this.schedule();
    });
  }

  /** Dispatches everything pending now; for callers that must not wait for the next pass. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.options.store.dispatchBatch(this.batchSize, (rows) =>
        enqueueRows(this.options.queues, rows),
      );
      total += count;
      if (count < this.batchSize) return total;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.unlisten?.();
    this.unlisten = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.wake();
      return;
    }
    const delay =
      this.failures === 0
        ? this.pollMs
        : Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(this.failures - 1, 10));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    try {
      const count = await this.drain();
      if (this.failures > 0) {
        this.options.logger.info(`${this.options.name} outbox relay recovered`);
      }
      this.failures = 0;
      if (count > 0) this.options.logger.debug({ count }, `${this.options.name} outbox dispatched`);
    } catch (error) {
      this.failures += 1;
      // While Redis is down every pass fails; one line per outage is enough.
      const log = this.failures === 1 ? 'warn' : 'debug';
      this.options.logger[log](
        { err: error, failures: this.failures },
        `${this.options.name} outbox dispatch failed; the messages stay in the outbox`,
      );
    }
  }
}
