import { isUuid, requireViewer } from '@supergraph/common';
import { canSee } from '../access.ts';
import type { Context } from '../context.ts';
import type { Task as TaskRow } from '../data/task-repository.ts';

export const Task = {
  /** The router batches references into one call per request; the loader makes it one query. */
  async __resolveReference(ref: { id: string }, { viewer, tasks }: Context) {
    const me = requireViewer(viewer);
    if (!isUuid(ref.id)) return null;
    const task = await tasks.byId.load(ref.id.toLowerCase());
    return task && canSee(me, task) ? task : null;
  },

  owner: (task: TaskRow) => ({ __typename: 'User', id: task.ownerId }),

  assignee: (task: TaskRow) =>
    task.assigneeId ? { __typename: 'User', id: task.assigneeId } : null,

  order: (task: TaskRow) => (task.orderId ? { __typename: 'Order', id: task.orderId } : null),
};
