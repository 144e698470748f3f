import type { JobsOptions } from 'bullmq';
import { JITTERED } from './backoff.ts';
import { QUEUES, type QueueName } from './definitions.ts';

export type RetrySchedule = { attempts: number; backoffMs: number };

export type JobPolicy = {
  /** Emails: EMAIL_ATTEMPTS and EMAIL_BACKOFF_MS. */
  email: RetrySchedule;
  /** Messages between services, which only wait for a database to answer. */
  events: RetrySchedule;
};

export const DEFAULT_POLICY: JobPolicy = {
  email: { attempts: 8, backoffMs: 5000 },
  events: { attempts: 12, backoffMs: 1000 },
};

/**
 * Completed jobs are trimmed, by count and age, so Redis stays small. Failed ones are kept
 * longer, a week and the latest 10000 per queue, so the dashboard still shows the recent
 * failures to look at and retry, yet an outage that fails jobs by the million cannot fill
 * Redis (its `noeviction` policy would then refuse every write). A failed email outlives its
 * job anyway: its ledger row says FAILED, and `retryConfirmationEmail` sends it again.
 */
export const KEEP = {
  removeOnComplete: { count: 5000, age: 24 * 3600 },
  removeOnFail: { count: 10_000, age: 7 * 24 * 3600 },
} satisfies JobsOptions;

export function jobOptions(queue: QueueName, policy: JobPolicy): JobsOptions {
  const schedule =
    queue === QUEUES.orderConfirmation || queue === QUEUES.taskReminders
      ? policy.email
      : policy.events;
  return {
    ...KEEP,
    attempts: schedule.attempts,
    backoff: { type: JITTERED, delay: schedule.backoffMs },
  };
}
