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
 * Completed jobs are trimmed, by count and age, so Redis stays small; failed ones are kept
 * until someone looks at them in the dashboard.
 */
const KEEP = {
  removeOnComplete: { count: 5000, age: 24 * 3600 },
  removeOnFail: false,
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
