import type { TaskStatus } from '@supergraph/prisma/tasks';

/**
 * Where each status may go next. DONE and CANCELLED are both final outcomes, so switching
 * between them directly would rewrite history; reopening first makes the change explicit.
 */
const NEXT: Record<TaskStatus, readonly TaskStatus[]> = {
  OPEN: ['DONE', 'CANCELLED'],
  DONE: ['OPEN'],
  CANCELLED: ['OPEN'],
};

/** Staying in the same status is always allowed, as a no-op. */
export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

/**
 * The completedAt a task should have after moving from `from` to `to`, or undefined to leave
 * it untouched.
 */
export function completedAtAfter(
  from: TaskStatus,
  to: TaskStatus,
  now: Date,
): Date | null | undefined {
  if (from === to) return undefined;
  return to === 'DONE' ? now : null;
}

/** Details describe work still to be done; a finished or cancelled task is a record. */
export function canEditDetails(status: TaskStatus): boolean {
  return status === 'OPEN';
}
