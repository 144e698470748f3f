/** What the worker process runs for the tasks service: its processors and its outbox. */
import type { JobDeps } from '@supergraph/email-jobs';
import type { PrismaClient } from '@supergraph/prisma/tasks';
import type { QueueHandlers } from '@supergraph/queues';
import { createFulfilmentProcessors } from './fulfilment-processors.ts';
import { createReminderProcessors } from './reminder-processor.ts';

export { createTasksOutbox } from '../data/outbox-repository.ts';
export { ReminderLedger } from '../data/reminder-ledger.ts';
export { renderReminder, type ReminderEmailInput } from './reminder-email.ts';

export type TasksProcessorDeps = JobDeps<PrismaClient>;

export type TasksProcessors = {
  'task-fulfilment': QueueHandlers<'task-fulfilment'>;
  'task-reminders': QueueHandlers<'task-reminders'>;
};

export function createTasksProcessors(deps: TasksProcessorDeps): TasksProcessors {
  return {
    'task-fulfilment': createFulfilmentProcessors(deps),
    'task-reminders': createReminderProcessors(deps),
  };
}
