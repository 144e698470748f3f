/**
 * Prometheus metrics of the background jobs: what the worker host records about each job it
 * runs, and the depth of every queue, read from Redis when a scrape asks for it.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '@supergraph/observability';
import type { QueueName } from './definitions.ts';
import type { QueueSet } from './queue-set.ts';

/** How one run of a job's handler ended. */
export type JobOutcome = 'completed' | 'failed';

/** What the worker host records about the jobs it runs. */
export type JobMetrics = {
  /** Starts timing one run of a handler; the function returned records how it ended. */
  startTimer(queue: QueueName, job: string): (outcome: JobOutcome) => void;
  /** A job BullMQ has recorded as completed. */
  completed(queue: QueueName, job: string): void;
  /** A failed attempt; `final` when no retry is left, so the job stays failed. */
  failed(queue: QueueName, job: string, final: boolean): void;
  /** A job whose worker lost its lock, put back to run again. */
  stalled(queue: QueueName): void;
};

/** From a database update (milliseconds) to an email against a slow SMTP server (seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createJobMetrics(registry: Registry): JobMetrics {
  const registers = [registry];
  const duration = new Histogram({
    name: 'jobs_duration_seconds',
    help: 'Time a job handler ran, by queue, job name and outcome (completed or failed).',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const completed = new Counter({
    name: 'jobs_completed_total',
    help: 'Jobs completed, by queue and job name.',
    labelNames: ['queue', 'job'] as const,
    registers,
  });
  const failures = new Counter({
    name: 'jobs_failures_total',
    help: 'Failed job attempts, by queue and job name; final="true" when no retry is left.',
    labelNames: ['queue', 'job', 'final'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'jobs_retries_total',
    help: 'Failed job attempts that will be retried, by queue and job name.',
    labelNames: ['queue', 'job'] as const,
    registers,
  });
  const stalled = new Counter({
    name: 'jobs_stalled_total',
    help: 'Jobs whose worker lost its lock (died or blocked), put back to run again.',
    labelNames: ['queue'] as const,
    registers,
  });
  return {
    startTimer(queue, job) {
      const end = duration.startTimer({ queue, job });
      return (outcome) => {
        end({ outcome });
      };
    },
    completed: (queue, job) => completed.inc({ queue, job }),
    failed(queue, job, final) {
      failures.inc({ queue, job, final: String(final) });
      if (!final) retries.inc({ queue, job });
    },
    stalled: (queue) => stalled.inc({ queue }),
  };
}

/** The states a queue's depth is reported in: the lists and sets BullMQ keeps per queue. */
export const DEPTH_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'waiting-children',
  'failed',
  'completed',
] as const;

/** Options for {@link registerQueueDepth}. */
export type QueueDepthOptions = {
  /** The queues to count: every queue of the system. */
  queues: Pick<QueueSet, 'all'>;
  /** Where a failed or slow count is noted, at debug level. */
  logger?: Logger;
  /** The longest a scrape waits for the counts before it is served the last ones. */
  timeoutMs?: number;
};

/**
 * Registers `jobs_queue_depth{queue,state}`, counted in Redis on each scrape. Every process that
 * registers it reports the same numbers, so dashboards aggregate it with max, not sum.
 *
 * A scrape never fails or hangs because of Redis: counts that cannot be read in time keep
 * their last values (a gap in a queue graph would hide the moment it matters most), and a
 * scrape that arrives while a count is still running waits for that one instead of starting
 * another, so a slow Redis is not sent a pile of counts.
 */
export function registerQueueDepth(
  registry: Registry,
  options: QueueDepthOptions,
): Gauge<'queue' | 'state'> {
  const { logger, timeoutMs = 1000 } = options;
  let counting: Promise<void> | null = null;

  const gauge = new Gauge({
    name: 'jobs_queue_depth',
    help: 'Jobs in each queue, by state, as counted in Redis at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      counting ??= count().finally(() => {
        counting = null;
      });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      try {
        if ((await Promise.race([counting, late])) === 'late') {
          logger?.debug({ timeoutMs }, 'queue depth not counted in time; serving the last values');
        }
      } finally {
        clearTimeout(timer);
      }
    },
  });

  async function count(): Promise<void> {
    const queues = options.queues.all();
    const results = await Promise.allSettled(
      queues.map((queue) => queue.getJobCounts(...DEPTH_STATES)),
    );
    results.forEach((result, index) => {
      const queue = queues[index]!.name;
      if (result.status === 'rejected') {
        logger?.debug({ err: result.reason, queue }, 'queue depth not counted; keeping the last');
        return;
      }
      for (const state of DEPTH_STATES) gauge.set({ queue, state }, result.value[state] ?? 0);
    });
  }

  return gauge;
}
