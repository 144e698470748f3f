import { isUuid } from '@supergraph/common';
import { deliverOnce, PermanentDeliveryError, type JobDeps } from '@supergraph/mail';
import type { PrismaClient } from '@supergraph/prisma/tasks';
import { UnrecoverableError, type QueueHandlers } from '@supergraph/queues';
import { ReminderLedger } from '../data/reminder-ledger.ts';
import { TaskRepository } from '../data/task-repository.ts';
import { renderReminder } from './reminder-email.ts';

export type ReminderDeps = JobDeps<PrismaClient>;

export function createReminderProcessors(deps: ReminderDeps): QueueHandlers<'task-reminders'> {
  return {
    async 'send-reminder'(data, job, token) {
      const dueAt = new Date(data.dueAt);
      if (!isUuid(data.taskId) || Number.isNaN(dueAt.getTime())) {
        throw new UnrecoverableError('reminder job without a valid taskId and dueAt');
      }
      const taskId = data.taskId.toLowerCase();
      const task = await new TaskRepository(deps.db).byId.load(taskId);
      // A job whose removal came too late, or that was already running when it came: the
      // task is the truth, and it no longer wants this reminder.
      if (!task || task.status !== 'OPEN' || task.dueAt?.getTime() !== dueAt.getTime()) {
        deps.logger.debug({ taskId, dueAt: data.dueAt }, 'stale reminder skipped');
        return;
      }
      const outcome = await deliverOnce({
        ledger: new ReminderLedger(deps.db, taskId, dueAt),
        mailer: deps.mailer,
        leaseMs: deps.leaseMs,
        job,
        token,
        compose: async () => {
          const userId = task.assigneeId ?? task.ownerId;
          const recipient = await deps.users.get(userId);
          if (!recipient) throw new PermanentDeliveryError(`user ${userId} does not exist`);
          return renderReminder({ task: { ...task, dueAt }, recipient, from: deps.mailFrom });
        },
      });
      deps.logger.debug({ taskId, dueAt: data.dueAt, outcome }, 'reminder handled');
    },
  };
}
