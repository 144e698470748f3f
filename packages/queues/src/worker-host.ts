import { Worker, type Job, type MinimalJob } from 'bullmq';
import type { RedisTarget } from '@supergraph/config';
import {
  SpanKind,
  extractTraceContext,
  inSpan,
  tracer,
  withRequestScope,
  type Logger,
} from '@supergraph/observability';
import type { RedisClient } from '@supergraph/redis';
import { JITTERED, jitteredDelay } from './backoff.ts';
import { closeConnection, workerConnection } from './connection.ts';
import type { JobData, JobName, JobOrigin, QueueName } from './definitions.ts';
import type { JobMetrics } from './job-metrics.ts';

/** Handles one kind of job; `token` is the worker's lock on it, for moving it to delayed. */
export type JobHandler<D> = (data: D, job: Job<D>, token: string | undefined) => Promise<void>;

/** The processors of one queue: one handler per job name. */
export type QueueHandlers<Q extends QueueName> = { [N in JobName<Q>]: JobHandler<JobData<Q, N>> };

export type Processors = { [Q in QueueName]?: QueueHandlers<Q> };

export type WorkerHostOptions = {
  /** Where the queues are: one Redis server or a cluster. */
  redis: RedisTarget;
  /** The key prefix of every queue; on a cluster, a hash tag such as `{bull}`. */
  prefix: string;
  processors: Processors;
  logger: Logger;
  /** Jobs each queue's worker runs at once. */
  concurrency: Partial<Record<QueueName, number>>;
  /** How long a job's lock lasts without renewal; a dead worker's job is recovered after it. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Where each job's duration and outcome are recorded; none when left out. */
  metrics?: JobMetrics;
};

/**
 * Errors a handler throws after moving its job back to wait (delayed, or for its children):
 * the job waits, nothing failed, and BullMQ neither retries nor fails it.
 */
const WAIT_ERRORS = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError']);

function isWait(error: unknown): boolean {
  return error instanceof Error && WAIT_ERRORS.has(error.name);
}

/** Whether a failed job stays failed: its attempts are used up, or it failed for good. */
function isFinal(job: Job): boolean {
  return job.attemptsMade >= (job.opts.attempts ?? 1) || job.finishedOn !== undefined;
}

/** Resolves true if `promise` settles within `ms`, false if it is still pending then. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (!Number.isFinite(ms)) {
    await promise;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

const spans = tracer('worker');

/**
 * Runs a job as part of the request that enqueued it: its log lines carry that request's id
 * (or the job's own, for jobs no request caused), and its span continues that trace.
 */
function runInJobScope(
  queue: QueueName,
  job: Job,
  logger: Logger,
  run: () => Promise<void>,
): Promise<void> {
  const data = (job.data ?? {}) as JobOrigin;
  const scope = {
    requestId: typeof data.requestId === 'string' ? data.requestId : `job:${job.id ?? ''}`,
    queue,
    jobId: job.id ?? '',
  };
  const parent = extractTraceContext({
    traceparent: data.traceparent,
    tracestate: data.tracestate,
  });
  return withRequestScope(scope, () =>
    inSpan(
      `${queue} ${job.name}`,
      {
        tracer: spans,
        kind: SpanKind.CONSUMER,
        parent,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.destination.name': queue,
          'messaging.message.id': job.id ?? '',
          'job.attempt': job.attemptsMade + 1,
        },
      },
      async () => {
        const started = process.hrtime.bigint();
        await run();
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.info({ job: job.name, ms: Math.round(ms * 100) / 100 }, 'job done');
      },
    ),
  );
}

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
  private readonly connections: RedisClient[] = [];

  constructor(private readonly options: WorkerHostOptions) {
    for (const [queue, handlers] of Object.entries(options.processors) as Array<
      [QueueName, Record<string, JobHandler<unknown>>]
    >) {
      this.workers.push(this.createWorker(queue, handlers));
    }
  }

  private createWorker(queue: QueueName, handlers: Record<string, JobHandler<unknown>>): Worker {
    const { logger, metrics } = this.options;
    // Job names label the metrics; one no handler knows is 'unknown', so that a stray job
    // cannot add series.
    const known = (name: string) => (Object.hasOwn(handlers, name) ? name : 'unknown');
    const connection = workerConnection(this.options.redis);
    // Reported through the worker's own 'error' event; this only keeps ioredis from calling
    // an unhandled error fatal.
    connection.on('error', () => {});
    this.connections.push(connection);
    const worker = new Worker(
      queue,
      async (job: Job, token?: string) => {
        const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined;
        if (!handler) throw new Error(`no processor for job ${job.name} on queue ${queue}`);
        const done = metrics?.startTimer(queue, job.name);
        try {
          await runInJobScope(queue, job, logger, () => handler(job.data, job, token));
          done?.('completed');
        } catch (error) {
          if (!isWait(error)) done?.('failed');
          throw error;
        }
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
    // Counted on BullMQ's events rather than in the processor: they fire once Redis has
    // recorded the outcome, so a completion whose lock was lost is not counted twice.
    worker.on('completed', (job) => metrics?.completed(queue, known(job.name)));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = isFinal(job);
      metrics?.failed(queue, known(job.name), final);
      logger[final ? 'error' : 'warn'](
        { err: error, queue, job: job.name, jobId: job.id, attempt: job.attemptsMade },
        final ? 'job failed for good' : 'job failed; it will be retried',
      );
    });
    worker.on('stalled', (jobId) => {
      metrics?.stalled(queue);
      logger.warn({ queue, jobId }, 'job stalled; recovering it');
    });
    return worker;
  }

  start(): void {
    for (const worker of this.workers) {
      worker
        .run()
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'worker stopped'));
    }
  }

  /**
   * Stops taking jobs and waits up to `graceMs` for the ones in flight to finish, then closes
   * the connections. Resolves true when every job finished; false when some were still
   * running at the deadline and were abandoned.
   *
   * An abandoned job is not lost: its lock lapses after `lockDurationMs` and a running worker
   * (or this one, restarted) takes it up again as stalled, its delivery ledger keeping an
   * email from going out twice. A caller that got false should exit soon after.
   */
  async close(graceMs = Infinity): Promise<boolean> {
    const closing = Promise.all(this.workers.map((worker) => worker.close()));
    if (await settlesWithin(closing, graceMs)) {
      await Promise.all(this.connections.map(closeConnection));
      return true;
    }
    // BullMQ cannot force a close already under way (a second close() returns the first's
    // promise), so cutting the connections is what forcing means here: the handlers still
    // running can no longer complete, fail or renew their jobs, which is what lets another
    // worker recover them as stalled.
    for (const connection of this.connections) connection.disconnect();
    this.options.logger.error(
      { graceMs },
      'jobs still running at the end of the shutdown grace; abandoned to stalled-job recovery',
    );
    return false;
  }
}
