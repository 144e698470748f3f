import type { Viewer } from '@supergraph/common';
import type { PrismaClient } from '@supergraph/prisma/tasks';
import { TaskRepository } from './data/task-repository.ts';

/** What a resolver gets: who is asking, and request-scoped data access. */
export type Context = {
  viewer: Viewer | null;
  tasks: TaskRepository;
};

export type ContextDeps = { db: PrismaClient };

export function createContext(deps: ContextDeps, viewer: Viewer | null): Context {
  return { viewer, tasks: new TaskRepository(deps.db) };
}
