import { isUuid, requireViewer, type ExpectNone, type UnresolvedFields } from '@supergraph/common';
import { canSee } from '../access.ts';
import type { Task as TaskRow } from '../data/task-repository.ts';
import type { Task as TaskFields, TaskResolvers } from '../generated/resolvers-types.ts';

export const Task = {
  /** The router batches references into one call per request; the loader makes it one query. */
  async __resolveReference(ref, { viewer, tasks }) {
    const me = requireViewer(viewer);
    if (!isUuid(ref.id)) return null;
    const task = await tasks.byId.load(ref.id.toLowerCase());
    return task && canSee(me, task) ? task : null;
  },

  owner: (task) => ({ __typename: 'User', id: task.ownerId }),

  assignee: (task) => (task.assigneeId ? { __typename: 'User', id: task.assigneeId } : null),

  order: (task) => (task.orderId ? { __typename: 'Order', id: task.orderId } : null),
} satisfies TaskResolvers;

// `satisfies` keeps the fields resolved above in `typeof Task`; the rest are read off the row.
type _TaskRowFields = ExpectNone<UnresolvedFields<TaskFields, TaskRow, typeof Task>>;
