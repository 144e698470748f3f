import { forbidden, isStaff, type Viewer } from '@supergraph/common';

type Involvement = { ownerId: string; assigneeId: string | null };
type Kind = { kind: 'TODO' | 'FULFILMENT' };

/** Whose tasks a viewer may see: everything for staff, otherwise those involving them. */
export type Scope = { kind: 'all' } | { kind: 'involving'; userId: string };

function same(a: string | null, b: string): boolean {
  return a !== null && a.toLowerCase() === b.toLowerCase();
}

export function scopeFor(viewer: Viewer): Scope {
  return isStaff(viewer) ? { kind: 'all' } : { kind: 'involving', userId: viewer.id.toLowerCase() };
}

export function canSee(viewer: Viewer, task: Involvement): boolean {
  return isStaff(viewer) || same(task.ownerId, viewer.id) || same(task.assigneeId, viewer.id);
}

/** Reassigning and deleting belong to whoever is responsible for the task, not the assignee. */
export function canManage(viewer: Viewer, task: Involvement): boolean {
  return isStaff(viewer) || same(task.ownerId, viewer.id);
}

/**
 * Fulfilment tasks track the shop's work on an order: the customer who placed it sees the
 * task, but completing it tells the orders service that the order was fulfilled, so only
 * staff may change it in any way.
 */
export function assertMayChange(viewer: Viewer, task: Kind): void {
  if (task.kind === 'FULFILMENT' && !isStaff(viewer))
    throw forbidden('Only staff can change a fulfilment task.');
}

/** Customers cannot hand work to other people; staff dispatch tasks to anyone. */
export function assertMayAssign(viewer: Viewer, assigneeId: string | null): void {
  if (assigneeId === null || isStaff(viewer) || same(assigneeId, viewer.id)) return;
  throw forbidden('You can only assign a task to yourself.');
}

export function canReadTasksOf(viewer: Viewer, userId: string): boolean {
  return isStaff(viewer) || same(userId, viewer.id);
}
