import {
  badUserInput,
  conflict,
  forbidden,
  notFound,
  requireViewer,
  type Viewer,
} from '@supergraph/common';
import { assertMayAssign, assertMayChange, canManage, canSee } from '../access.ts';
import type { Context } from '../context.ts';
import type { Task, TaskChanges, TaskStatus } from '../data/task-repository.ts';
import type { MutationResolvers, UpdateTaskInput } from '../generated/resolvers-types.ts';
import { canEditDetails, canTransition, completedAtAfter } from '../task-rules.ts';
import { validId, validNotes, validTitle } from '../validation.ts';

/** Invisible tasks are reported as missing, so that nobody can probe which ids exist. */
async function visibleTask(me: Viewer, rawId: string, { tasks }: Context): Promise<Task> {
  const id = validId(rawId, 'id');
  const task = await tasks.byId.load(id);
  if (!task || !canSee(me, task)) throw notFound('Task', id);
  return task;
}

const CHANGED_MEANWHILE = 'The task was changed by someone else meanwhile; reload it and retry.';

function transitionConflict(from: TaskStatus, to: TaskStatus) {
  return conflict(`A ${from} task cannot become ${to}.`);
}

/** The detail fields of `input`, validated; status is handled separately. */
function detailChanges(me: Viewer, task: Task, input: UpdateTaskInput): TaskChanges {
  const changes: TaskChanges = {};
  if (input.title !== undefined) {
    if (input.title === null) throw badUserInput('input.title', 'cannot be null.');
    changes.title = validTitle(input.title, 'input.title');
  }
  if (input.notes !== undefined)
    changes.notes = input.notes === null ? null : validNotes(input.notes, 'input.notes');
  if (input.dueAt !== undefined) changes.dueAt = input.dueAt;
  if (input.assigneeId !== undefined) {
    const assigneeId =
      input.assigneeId === null ? null : validId(input.assigneeId, 'input.assigneeId');
    if (!canManage(me, task))
      throw forbidden('Only the owner or staff can change who a task is assigned to.');
    assertMayAssign(me, assigneeId);
    changes.assigneeId = assigneeId;
  }
  return changes;
}

export const Mutation: MutationResolvers = {
  async createTask(_, { input }, { viewer, tasks, quotas }) {
    const me = requireViewer(viewer);
    const title = validTitle(input.title, 'input.title');
    const notes = input.notes == null ? null : validNotes(input.notes, 'input.notes');
    const assigneeId =
      input.assigneeId == null ? null : validId(input.assigneeId, 'input.assigneeId');
    const orderId = input.orderId == null ? null : validId(input.orderId, 'input.orderId');
    assertMayAssign(me, assigneeId);
    return tasks.create(
      {
        title,
        notes,
        dueAt: input.dueAt ?? null,
        ownerId: me.id.toLowerCase(),
        assigneeId,
        orderId,
      },
      quotas,
    );
  },

  async updateTask(_, { id, input }, ctx) {
    const me = requireViewer(ctx.viewer);
    const task = await visibleTask(me, id, ctx);
    assertMayChange(me, task);
    const changes = detailChanges(me, task, input);
    const status = input.status ?? task.status;
    if (!canTransition(task.status, status)) throw transitionConflict(task.status, status);
    if (Object.keys(changes).length > 0 && !canEditDetails(status))
      throw conflict(`A ${status} task cannot be edited; reopen it first.`);
    if (status === task.status && Object.keys(changes).length === 0) return task;
    const completedAt = completedAtAfter(task.status, status, new Date());
    const updated = await ctx.tasks.updateIfStatus(
      task.id,
      task.status,
      { ...changes, status, ...(completedAt === undefined ? {} : { completedAt }) },
      ctx.quotas,
    );
    if (!updated) throw conflict(CHANGED_MEANWHILE);
    return updated;
  },

  async completeTask(_, { id }, ctx) {
    const me = requireViewer(ctx.viewer);
    const task = await visibleTask(me, id, ctx);
    assertMayChange(me, task);
    if (task.status !== 'OPEN') throw conflict(`The task is already ${task.status}.`);
    const updated = await ctx.tasks.updateIfStatus(task.id, 'OPEN', {
      status: 'DONE',
      completedAt: new Date(),
    });
    if (!updated) throw conflict(CHANGED_MEANWHILE);
    return updated;
  },

  async deleteTask(_, { id }, ctx) {
    const me = requireViewer(ctx.viewer);
    const task = await visibleTask(me, id, ctx);
    assertMayChange(me, task);
    if (!canManage(me, task)) throw forbidden('Only the owner or staff can delete a task.');
    if (!(await ctx.tasks.delete(task.id))) throw notFound('Task', task.id);
    return true;
  },
};
