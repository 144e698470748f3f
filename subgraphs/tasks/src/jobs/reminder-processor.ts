import { isUuid } from '@supergraph/common';
import { createEmailJob, type JobDeps } from '@supergraph/email-jobs';
import { PermanentDeliveryError } from '@supergraph/mail';
import type { PrismaClient } from '@supergraph/prisma/tasks';
import { UnrecoverableError, type QueueHandlers, type ReminderJob } from '@supergraph/queues';
import { ReminderLedger } from '../data/reminder-ledger.ts';
import { TaskRepository } from '../data/task-repository.ts';
import { renderReminder } from './reminder-email.ts';

export type ReminderDeps = JobDeps<PrismaClient>;

export function createReminderProcessors(deps: ReminderDeps): QueueHandlers<'task-reminders'> {
  const sendReminder = createEmailJob(
    {
      async resolve(data: ReminderJob) {
        const dueAt = new Date(data.dueAt);
        if (!isUuid(data.taskId) || Number.isNaN(dueAt.getTime())) {
          throw new UnrecoverableError('reminder job without a valid taskId and dueAt');
        }
        const taskId = data.taskId.toLowerCase();
        const task = await new TaskRepository(deps.db).byId.load(taskId);
        // A job whose removal came too late, or that was already running when it came: the
        // task is the truth, and it no longer wants this reminder.
        if (!task || task.status !== 'OPEN' || task.dueAt?.getTime() !== dueAt.getTime()) {
          return null;
        }
        return { ...task, dueAt };
      },
      ledger: (task) => new ReminderLedger(deps.db, task.id, task.dueAt),
      async compose(task) {
        const userId = task.assigneeId ?? task.ownerId;
        const recipient = await deps.users.get(userId);
        if (!recipient) throw new PermanentDeliveryError(`user ${userId} does not exist`);
        return renderReminder({ task, recipient, from: deps.mailFrom });
      },
    },
    deps,
  );

  return {
    async 'send-reminder'(data, job, token) {
      const outcome = await sendReminder(data, job, token);
      if (outcome === 'unwanted') {
        deps.logger.debug({ taskId: data.taskId, dueAt: data.dueAt }, 'stale reminder skipped');
      } else {
        deps.logger.debug({ taskId: data.taskId, dueAt: data.dueAt, outcome }, 'reminder handled');
      }
    },
  };
}
