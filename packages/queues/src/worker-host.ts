import { Worker, type Job, type MinimalJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@supergraph/common';
import { JITTERED, jitteredDelay } from './backoff.ts';
import { closeConnection, workerConnection } from './connection.ts';
import type { JobData, JobName, QueueName } from './definitions.ts';

/** Handles one kind of job; `token` is the worker's lock on it, for moving it to delayed. */
export type JobHandler<D> = (data: D, job: Job<D>, token: string | undefined) => Promise<void>;

/** The processors of one queue: one handler per job name. */
export type QueueHandlers<Q extends QueueName> = { [N in JobName<Q>]: JobHandler<JobData<Q, N>> };

export type Processors = { [Q in QueueName]?: QueueHandlers<Q> };

export type WorkerHostOptions = {
  redisUrl: string;
  prefix: string;
  processors: Processors;
  logger: Logger;
  /** Jobs each queue's worker runs at once. */
  concurrency: Partial<Record<QueueName, number>>;
  /** How long a job's lock lasts without renewal; a dead worker's job is recovered after it. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
};

export function backoffStrategy(
  attemptsMade: number,
  type?: string,
  _error?: Error,
  job?: MinimalJob,
) {
  if (type !== JITTERED) return 0;
  const backoff = job?.opts.backoff;
  const base = typeof backoff === 'object' ? (backoff.delay ?? 1000) : (backoff ?? 1000);
  return jitteredDelay(attemptsMade, base);
}

/** One BullMQ worker per queue that has processors. */
export class WorkerHost {
  readonly workers: Worker[] = [];
  /** BullMQ leaves connections it was handed open; they are ours to close. */
  private readonly connections: Redis[] = [];

  constructor(private readonly options: WorkerHostOptions) {
    for (const [queue, handlers] of Object.entries(options.processors) as Array<
      [QueueName, Record<string, JobHandler<unknown>>]
    >) {
      this.workers.push(this.createWorker(queue, handlers));
    }
  }

  private createWorker(queue: QueueName, handlers: Record<string, JobHandler<unknown>>): Worker {
    const { logger } = this.options;
    const connection = workerConnection(this.options.redisUrl);
    // Reported through the worker's own 'error' event; this only keeps ioredis from calling
    // an unhandled error fatal.
    connection.on('error', () => {});
    this.connections.push(connection);
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const handler = handlers[job.name];
        if (!handler) throw new Error(`no processor for job ${job.name} on queue ${queue}`);
        await handler(job.data, job, token);
      },
      {
        connection,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency[queue] ?? 8,
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        // A job whose worker died is put back this many times before it is failed; the
        // ledgers make each recovery safe, so be generous.
        maxStalledCount: 5,
        settings: { backoffStrategy },
        autorun: false,
      },
    );
    // Without a listener, a lost connection would be an unhandled 'error' event and kill the
    // process; the worker reconnects by itself.
    worker.on('error', (error) => logger.warn({ err: error, queue }, 'worker connection error'));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || job.finishedOn !== undefined;
      logger[final ? 'error' : 'warn'](
        { err: error, queue, job: job.name, jobId: job.id, attempt: job.attemptsMade },
        final ? 'job failed for good' : 'job failed; it will be retried',
      );
    });
    worker.on('stalled', (jobId) => logger.warn({ queue, jobId }, 'job stalled; recovering it'));
    return worker;
  }

  start(): void {
    for (const worker of this.workers) {
      worker
        .run()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'worker stopped'));
    }
  }

  /** Stops taking jobs and waits for the ones in flight to finish. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all(this.connections.map(closeConnection));
  }
}
