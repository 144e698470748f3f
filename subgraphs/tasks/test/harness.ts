import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Role, Viewer } from '@supergraph/common';
import { createLogger } from '@supergraph/observability';
import { createTasksClient, type OutboxMessage, type PrismaClient } from '@supergraph/prisma/tasks';
import {
  asRouter,
  createTestDatabase,
  postGraphQL,
  startTestSubgraph,
  type GraphQLResponse,
} from '@supergraph/testing';
import { createServer } from '../src/server.ts';

export const SECRET = 'test-subgraph-secret-that-is-long-enough';
export const silent = createLogger('test', 'silent');

export type TasksHarness = {
  db: PrismaClient;
  call<T>(
    viewer: Viewer | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
};

/** A tasks subgraph on a free port over a database of its own, spoken to over real HTTP. */
export async function startTasks(): Promise<TasksHarness> {
  const { url, db, stop } = await startTestSubgraph({
    secret: SECRET,
    connect: (databaseUrl) => createTasksClient({ databaseUrl, poolSize: 4 }),
    build: (client, deps) => createServer({ ...deps, db: client }),
  });
  return {
    db,
    stop,
    call: (viewer, query, variables) =>
      postGraphQL(url, query, {
        ...(variables ? { variables } : {}),
        headers: asRouter(SECRET, viewer),
      }),
  };
}

export type TasksDatabase = { db: PrismaClient; databaseUrl: string; stop(): Promise<void> };

/** A database of its own and a client on it, for code that needs no server. */
export async function openTasksDatabase(poolSize = 6): Promise<TasksDatabase> {
  const database = await createTestDatabase();
  const db = createTasksClient({ databaseUrl: database.url, poolSize });
  return {
    db,
    databaseUrl: database.url,
    async stop() {
      await db.$disconnect();
      await database.drop();
    },
  };
}

export function person(role: Role = 'CUSTOMER'): Viewer {
  return { id: randomUUID(), role };
}

export function ok<T>(res: GraphQLResponse<T>): T {
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!;
}

/** The outbox rows whose job concerns `taskId`, oldest first. */
export function outboxOf(db: PrismaClient, taskId: string): Promise<OutboxMessage[]> {
  return db.outboxMessage.findMany({
    where: { jobId: { contains: taskId } },
    orderBy: { id: 'asc' },
  });
}

/** `ADD reminder.<task>.<ms>`: rows in a form that a failed assertion shows at a glance. */
export function summary(rows: readonly OutboxMessage[]): string[] {
  return rows.map((row) => `${row.action} ${row.jobId}`).sort();
}

export const TASK_FIELDS = /* GraphQL */ `
  id
  status
  dueAt
  completedAt
`;

export type TaskData = {
  id: string;
  status: 'OPEN' | 'DONE' | 'CANCELLED';
  dueAt: string | null;
  completedAt: string | null;
};

export const CREATE = /* GraphQL */ `
  mutation ($input: CreateTaskInput!) {
    createTask(input: $input) {
      ${TASK_FIELDS}
    }
  }
`;

export const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $input: UpdateTaskInput!) {
    updateTask(id: $id, input: $input) {
      ${TASK_FIELDS}
    }
  }
`;

export const COMPLETE = /* GraphQL */ `
  mutation ($id: ID!) {
    completeTask(id: $id) {
      ${TASK_FIELDS}
    }
  }
`;

export const DELETE = /* GraphQL */ `
  mutation ($id: ID!) {
    deleteTask(id: $id)
  }
`;

export const GET = /* GraphQL */ `
  query ($id: ID!) {
    task(id: $id) {
      ${TASK_FIELDS}
    }
  }
`;
