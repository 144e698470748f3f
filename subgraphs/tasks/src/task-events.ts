import { outbox, type OutboxEntry } from '@supergraph/queues';
import type { Task } from '@supergraph/prisma/tasks';

/** What decides the jobs a change to a task causes. */
export type TaskState = Pick<Task, 'id' | 'kind' | 'status' | 'dueAt' | 'orderId'>;

/**
 * When a reminder is due, if one is. Every OPEN task with a due date has one, past due dates
 * included: the job then runs at once, and the reminder ledger still sends at most one email
 * per task and due date, so reopening a task whose reminder went out does not send it again.
 */
function reminderAt(state: TaskState | null): Date | null {
  return state?.status === 'OPEN' && state.dueAt ? state.dueAt : null;
}

/**
 * The outbox entries a change from `before` to `after` causes; null stands for a task that
 * does not exist (before a create, after a delete). The caller writes them in the
 * transaction that makes the change, so that a job exists exactly when the change does.
 */
export function outboxForChange(before: TaskState | null, after: TaskState | null): OutboxEntry[] {
  const task = after ?? before;
  if (!task) return [];
  const entries: OutboxEntry[] = [];
  const was = reminderAt(before);
  const will = reminderAt(after);
  if (was?.getTime() !== will?.getTime()) {
    if (was) entries.push(...outbox.reminderCancelled(task.id, was));
    if (will) entries.push(...outbox.reminderScheduled(task.id, will));
  }
  if (
    task.kind === 'FULFILMENT' &&
    task.orderId &&
    before?.status === 'OPEN' &&
    after?.status === 'DONE'
  ) {
    entries.push(...outbox.fulfilmentCompleted(task.orderId, task.id));
  }
  return entries;
}
