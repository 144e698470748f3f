/** Tasks as the graph reads and changes them. Only data/ talks to Postgres. */
import type DataLoader from 'dataloader';
import {
  LoaderFamily,
  ORDER_TASKS_LIMIT,
  quotaExceeded,
  createGroupLoader,
  createRowLoader,
  type Page,
} from '@supergraph/common';
import {
  Prisma,
  type PrismaClient,
  type Task,
  type TaskKind,
  type TaskStatus,
} from '@supergraph/prisma/tasks';
import type { Scope } from '../access.ts';
import { outboxForChange, type TaskState } from '../task-events.ts';
import { appendOutbox } from './outbox-repository.ts';

export type { Task, TaskKind, TaskStatus };

export type NewTask = {
  title: string;
  notes: string | null;
  dueAt: Date | null;
  ownerId: string;
  assigneeId: string | null;
  orderId: string | null;
};

/** How much one account may keep: tasks it owns that are OPEN, and those with a reminder due. */
export type TaskQuotas = { openTasks: number; reminders: number };

export const DEFAULT_TASK_QUOTAS: TaskQuotas = { openTasks: 500, reminders: 100 };

export type TaskChanges = Partial<
  Pick<Task, 'title' | 'notes' | 'dueAt' | 'assigneeId' | 'status' | 'completedAt'>
>;

/** A page of one user's tasks, as requested through `User.tasks`. */
export type UserTasksQuery = { status: TaskStatus | null; page: Page };

type TaskRow = {
  key: string;
  id: string;
  kind: TaskKind;
  title: string;
  notes: string | null;
  status: TaskStatus;
  due_at: Date | null;
  owner_id: string;
  assignee_id: string | null;
  order_id: string | null;
  origin_key: string | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
};

/** The columns that decide a change's jobs, as raw SQL returns them. */
type StateRow = Pick<TaskRow, 'id' | 'kind' | 'status' | 'due_at' | 'order_id'>;

function stateOf(row: StateRow): TaskState {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    dueAt: row.due_at,
    orderId: row.order_id,
  };
}

function fromRow(row: TaskRow): Task {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    notes: row.notes,
    status: row.status,
    dueAt: row.due_at,
    ownerId: row.owner_id,
    assigneeId: row.assignee_id,
    orderId: row.order_id,
    originKey: row.origin_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

function scopeWhere(scope: Scope): Prisma.TaskWhereInput {
  return scope.kind === 'all'
    ? {}
    : { OR: [{ ownerId: scope.userId }, { assigneeId: scope.userId }] };
}

export class TaskRepository {
  /** Batches every by-id lookup in one request into a single query. */
  readonly byId: DataLoader<string, Task | null>;
  private readonly orderLoaders = new LoaderFamily((scope: Scope) =>
    createGroupLoader(
      async (orderIds) =>
        (await this.orderTaskRows(orderIds, scope)).map((row) => ({
          ...fromRow(row),
          key: row.key,
        })),
      (row) => row.key,
    ),
  );
  private readonly userLoaders = new LoaderFamily(({ status, page }: UserTasksQuery) =>
    createGroupLoader(
      async (userIds) =>
        (await this.userTaskRows(userIds, status, page)).map((row) => ({
          ...fromRow(row),
          key: row.key,
        })),
      (row) => row.key,
    ),
  );

  constructor(private readonly db: PrismaClient) {
    this.byId = createRowLoader(
      (ids) => db.task.findMany({ where: { id: { in: ids } } }),
      (row) => row.id,
    );
  }

  /** Newest first, `first + 1` rows so that the caller can tell whether more exist. */
  async list(scope: Scope, status: TaskStatus | null, page: Page): Promise<Task[]> {
    // A customer's tasks are those they own or are assigned to: the same query as User.tasks,
    // which reads only a page of each index instead of every task newer than the page.
    if (scope.kind === 'involving') {
      return (await this.userTaskRows([scope.userId], status, page)).map(fromRow);
    }
    return this.db.task.findMany({
      where: {
        AND: [
          scopeWhere(scope),
          status ? { status } : {},
          page.afterId ? { id: { lt: page.afterId } } : {},
        ],
      },
      orderBy: { id: 'desc' },
      take: page.first + 1,
    });
  }

  /**
   * The tasks of each order within `scope`, newest first, at most ORDER_TASKS_LIMIT of each:
   * the field takes no page, and the router costs it at that bound. One query answers every
   * order resolved in the request.
   */
  forOrder(scope: Scope): DataLoader<string, Task[]> {
    return this.orderLoaders.for(scope);
  }

  /**
   * Tasks each user owns or is assigned to, newest first, `first + 1` per user. Users reached
   * through one field with the same arguments share a single query: a lateral join keeps the
   * limit per user instead of for the whole batch.
   */
  forUser(query: UserTasksQuery): DataLoader<string, Task[]> {
    return this.userLoaders.for(query);
  }

  private orderTaskRows(orderIds: string[], scope: Scope): Promise<TaskRow[]> {
    const visible =
      scope.kind === 'all'
        ? Prisma.empty
        : Prisma.sql`AND (t.owner_id = ${scope.userId}::uuid OR t.assignee_id = ${scope.userId}::uuid)`;
    // A lateral join keeps the limit per order rather than for the whole batch.
    return this.db.$queryRaw<TaskRow[]>`
      SELECT o.id::text AS key, l.id::text AS id, l.kind::text AS kind, l.title, l.notes,
        l.status::text AS status, l.due_at, l.owner_id::text AS owner_id,
        l.assignee_id::text AS assignee_id, l.order_id::text AS order_id, l.origin_key,
        l.created_at, l.updated_at, l.completed_at
      FROM unnest(${orderIds}::uuid[]) AS o(id)
      CROSS JOIN LATERAL (
        SELECT t.* FROM "tasks"."tasks" t
        WHERE t.order_id = o.id ${visible}
        ORDER BY t.id DESC
        LIMIT ${ORDER_TASKS_LIMIT}
      ) l
      ORDER BY o.id, l.id DESC`;
  }

  private userTaskRows(
    userIds: string[],
    status: TaskStatus | null,
    page: Page,
  ): Promise<TaskRow[]> {
    // Raw SQL bypasses the adapter's schema option, hence the qualified names.
    const byStatus = status
      ? Prisma.sql`AND t.status = ${status}::"tasks"."TaskStatus"`
      : Prisma.empty;
    const afterId = page.afterId ? Prisma.sql`AND t.id < ${page.afterId}::uuid` : Prisma.empty;
    const limit = page.first + 1;
    // "Owns or is assigned to" as two disjoint halves, each read in id order from its own
    // index ((owner_id | assignee_id)[, status], id DESC) and merged: a page costs `limit` rows
    // of each index however many tasks the user has. Written as one OR, Postgres reads every
    // task of the user and sorts them.
    return this.db.$queryRaw<TaskRow[]>`
      SELECT u.id::text AS key, l.id::text AS id, l.kind::text AS kind, l.title, l.notes,
        l.status::text AS status, l.due_at, l.owner_id::text AS owner_id,
        l.assignee_id::text AS assignee_id, l.order_id::text AS order_id, l.origin_key,
        l.created_at, l.updated_at, l.completed_at
      FROM unnest(${userIds}::uuid[]) AS u(id)
      CROSS JOIN LATERAL (
        SELECT * FROM (
          (SELECT t.* FROM "tasks"."tasks" t
           WHERE t.owner_id = u.id ${byStatus} ${afterId}
           ORDER BY t.id DESC
           LIMIT ${limit})
          UNION ALL
          (SELECT t.* FROM "tasks"."tasks" t
           WHERE t.assignee_id = u.id AND t.owner_id <> u.id ${byStatus} ${afterId}
           ORDER BY t.id DESC
           LIMIT ${limit})
        ) AS mine
        ORDER BY mine.id DESC
        LIMIT ${limit}
      ) l
      ORDER BY u.id, l.id DESC`;
  }

  /**
   * Refuses with QUOTA_EXCEEDED when `ownerId` would keep more OPEN tasks, or more reminders
   * due, than `quotas` allow. The owner's advisory lock, held to the end of the transaction,
   * keeps two requests from both taking the last place.
   */
  private async checkQuotas(
    tx: Prisma.TransactionClient,
    ownerId: string,
    quotas: TaskQuotas,
    adds: { open: boolean; reminder: boolean },
  ): Promise<void> {
    if (!adds.open && !adds.reminder) return;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`task-quota:${ownerId}`}, 0))`;
    if (adds.open) {
      const open = await tx.task.count({ where: { ownerId, status: 'OPEN' } });
      if (open >= quotas.openTasks) {
        throw quotaExceeded(
          'openTasks',
          quotas.openTasks,
          `You have ${quotas.openTasks} open tasks, the most one account may have; complete or delete some first.`,
        );
      }
    }
    if (adds.reminder) {
      const due = await tx.task.count({
        where: { ownerId, status: 'OPEN', dueAt: { gt: new Date() } },
      });
      if (due >= quotas.reminders) {
        throw quotaExceeded(
          'reminders',
          quotas.reminders,
          `You have ${quotas.reminders} reminders scheduled, the most one account may have; clear a due date first.`,
        );
      }
    }
  }

  /**
   * Creates the task and, in the same transaction, the jobs it causes (its reminder); within
   * `quotas` when given (a person's request; jobs that make tasks are not limited).
   */
  async create(task: NewTask, quotas?: TaskQuotas): Promise<Task> {
    const created = await this.db.$transaction(async (tx) => {
      if (quotas) {
        await this.checkQuotas(tx, task.ownerId, quotas, {
          open: true,
          reminder: task.dueAt !== null && task.dueAt > new Date(),
        });
      }
      const row = await tx.task.create({ data: task });
      await appendOutbox(tx, outboxForChange(null, row));
      return row;
    });
    this.byId.prime(created.id, created);
    return created;
  }

  /**
   * Applies `changes` only if the task is still in status `expected`, so that two requests
   * deciding from the same state cannot both win. Null when the task has moved on or is gone.
   * The row is locked first: the jobs follow from the state the change really replaced, not
   * from what the caller read before, and they are written only by the request that won.
   */
  async updateIfStatus(
    id: string,
    expected: TaskStatus,
    changes: TaskChanges,
    quotas?: TaskQuotas,
  ): Promise<Task | null> {
    const updated = await this.db.$transaction(async (tx) => {
      const [before] = await tx.$queryRaw<Array<StateRow & { owner_id: string }>>`
        SELECT id::text AS id, kind::text AS kind, status::text AS status, due_at,
          order_id::text AS order_id, owner_id::text AS owner_id
        FROM "tasks"."tasks" WHERE id = ${id}::uuid
        FOR UPDATE`;
      if (!before || before.status !== expected) return null;
      if (quotas) {
        // Only a change that adds to what the owner keeps counts: reopening, or a reminder
        // on an open task that had none due.
        const now = new Date();
        const status = changes.status ?? before.status;
        const dueAt = changes.dueAt === undefined ? before.due_at : changes.dueAt;
        const hadReminder =
          before.status === 'OPEN' && before.due_at !== null && before.due_at > now;
        await this.checkQuotas(tx, before.owner_id, quotas, {
          open: status === 'OPEN' && before.status !== 'OPEN',
          reminder: status === 'OPEN' && dueAt !== null && dueAt > now && !hadReminder,
        });
      }
      const after = await tx.task.update({ where: { id }, data: changes });
      await appendOutbox(tx, outboxForChange(stateOf(before), after));
      return after;
    });
    this.byId.clear(id);
    if (updated) this.byId.prime(id, updated);
    return updated;
  }

  /** Deletes the task and cancels, in the same transaction, the jobs it had pending. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<StateRow[]>`
        DELETE FROM "tasks"."tasks" WHERE id = ${id}::uuid
        RETURNING id::text AS id, kind::text AS kind, status::text AS status, due_at,
          order_id::text AS order_id`;
      if (!row) return false;
      await appendOutbox(tx, outboxForChange(stateOf(row), null));
      return true;
    });
    this.byId.clear(id).prime(id, null);
    return deleted;
  }
}
