import type { Viewer } from '@supergraph/common';
import type { PrismaClient } from '@supergraph/prisma/tasks';
import { TaskRepository, type TaskQuotas } from './data/task-repository.ts';

/** What a resolver gets: who is asking, and request-scoped data access. */
export type Context = {
  viewer: Viewer | null;
  tasks: TaskRepository;
  /** What one account may keep; the mutations apply it. */
  quotas: TaskQuotas;
};

export type ContextDeps = { db: PrismaClient; quotas: TaskQuotas };

export function createContext(deps: ContextDeps, viewer: Viewer | null): Context {
  return { viewer, tasks: new TaskRepository(deps.db), quotas: deps.quotas };
}
