import { currentRequestScope, traceHeaders } from '@supergraph/observability';

/**
 * Every queue of the system, its jobs and their payloads. Payloads carry ids, never secrets or
 * personal data: a processor reads what it needs from its own service when it runs, so a job
 * that waits in Redis for days still acts on current data.
 */

/** The service that owns a queue processes its jobs, against its own schema only. */
export const QUEUES = {
  /** orders: the order confirmation email. */
  orderConfirmation: 'order-confirmation',
  /** orders: what the tasks service reports about an order's fulfilment. */
  orderFulfilment: 'order-fulfilment',
  /** tasks: what the orders service reports about orders that need fulfilment work. */
  taskFulfilment: 'task-fulfilment',
  /** tasks: due-date reminder emails, delayed until the due date. */
  taskReminders: 'task-reminders',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);

export type OrderRef = { orderId: string };
export type OrderEvent = { orderId: string; customerId: string };
export type FulfilmentEvent = { orderId: string; taskId: string };
export type ReminderJob = { taskId: string; dueAt: string };

/** The jobs each queue carries, by job name. */
export type JobsOf = {
  'order-confirmation': { 'send-confirmation': OrderRef };
  'order-fulfilment': {
    'fulfilment-started': FulfilmentEvent;
    'fulfilment-completed': FulfilmentEvent;
  };
  'task-fulfilment': { 'order-placed': OrderEvent; 'order-cancelled': OrderEvent };
  'task-reminders': { 'send-reminder': ReminderJob };
};

export type JobName<Q extends QueueName> = keyof JobsOf[Q] & string;
export type JobData<Q extends QueueName, N extends JobName<Q>> = JobsOf[Q][N];

/**
 * A job to enqueue or remove, as stored in a service's outbox. The job id is derived from the
 * event, so that dispatching the same outbox row twice enqueues one job.
 */
export type OutboxEntry = {
  queue: QueueName;
  action: 'ADD' | 'REMOVE';
  jobName: string;
  jobId: string;
  /** Ids and dates as strings: the columns a service's outbox table stores as they are. */
  payload: Readonly<Record<string, string>>;
  /** A delayed job runs no earlier than this. */
  runAt: Date | null;
};

/**
 * Where a job came from: the request id and W3C trace context of the request (or job) that
 * enqueued it, so that the job's log lines and spans join that request's.
 */
export type JobOrigin = { requestId?: string; traceparent?: string; tracestate?: string };

function origin(): JobOrigin {
  const requestId = currentRequestScope()?.requestId;
  return { ...(requestId ? { requestId } : {}), ...traceHeaders() };
}

function add<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  jobName: N,
  jobId: string,
  payload: JobData<Q, N>,
  runAt: Date | null = null,
): OutboxEntry {
  // Every payload is an object of strings (ids, ISO dates), which the generic cannot show.
  return {
    queue,
    action: 'ADD',
    jobName,
    jobId,
    payload: { ...(payload as OutboxEntry['payload']), ...origin() },
    runAt,
  };
}

// BullMQ job ids may not contain ':', hence the dots.
export const reminderJobId = (taskId: string, dueAt: Date) =>
  `reminder.${taskId}.${dueAt.getTime()}`;

/** The outbox entries each event produces. */
export const outbox = {
  orderPlaced: (orderId: string, customerId: string): OutboxEntry[] => [
    add(QUEUES.orderConfirmation, 'send-confirmation', `confirmation.${orderId}`, { orderId }),
    add(QUEUES.taskFulfilment, 'order-placed', `order-placed.${orderId}`, {
      orderId,
      customerId,
    }),
  ],
  orderCancelled: (orderId: string, customerId: string): OutboxEntry[] => [
    add(QUEUES.taskFulfilment, 'order-cancelled', `order-cancelled.${orderId}`, {
      orderId,
      customerId,
    }),
  ],
  fulfilmentStarted: (orderId: string, taskId: string): OutboxEntry[] => [
    add(QUEUES.orderFulfilment, 'fulfilment-started', `fulfilment-started.${taskId}`, {
      orderId,
      taskId,
    }),
  ],
  fulfilmentCompleted: (orderId: string, taskId: string): OutboxEntry[] => [
    add(QUEUES.orderFulfilment, 'fulfilment-completed', `fulfilment-completed.${taskId}`, {
      orderId,
      taskId,
    }),
  ],
  /** A reminder for one due date; a changed due date is a new job with a new id. */
  reminderScheduled: (taskId: string, dueAt: Date): OutboxEntry[] => [
    add(
      QUEUES.taskReminders,
      'send-reminder',
      reminderJobId(taskId, dueAt),
      { taskId, dueAt: dueAt.toISOString() },
      dueAt,
    ),
  ],
  reminderCancelled: (taskId: string, dueAt: Date): OutboxEntry[] => [
    {
      queue: QUEUES.taskReminders,
      action: 'REMOVE',
      jobName: 'send-reminder',
      jobId: reminderJobId(taskId, dueAt),
      payload: {},
      runAt: null,
    },
  ],
};
