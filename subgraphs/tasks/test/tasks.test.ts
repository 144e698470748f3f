import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Role, Viewer } from '@supergraph/common';
import { createTasksClient } from '@supergraph/prisma/tasks';
import {
  asRouter,
  errorCodes,
  postGraphQL,
  startTestSubgraph,
  type GraphQLResponse,
} from '@supergraph/testing';
import { createServer } from '../src/server.ts';

const SECRET = 'test-subgraph-secret-that-is-long-enough';
let url: string;
let stop: () => Promise<void>;
/** SQL statements sent since the last reset, for the batching tests. */
let statements: string[] = [];

before(async () => {
  const subgraph = await startTestSubgraph({
    secret: SECRET,
    connect: (databaseUrl) =>
      createTasksClient({ databaseUrl, poolSize: 4, onQuery: (sql) => statements.push(sql) }),
    build: (db, deps) => createServer({ ...deps, db }),
  });
  url = subgraph.url;
  stop = subgraph.stop;
});
after(() => stop());

type TaskData = {
  id: string;
  title: string;
  notes: string | null;
  status: 'OPEN' | 'DONE' | 'CANCELLED';
  dueAt: string | null;
  owner: { id: string };
  assignee: { id: string } | null;
  order: { id: string } | null;
  createdAt: string;
  completedAt: string | null;
};

const TASK_FIELDS = /* GraphQL */ `
  id
  title
  notes
  status
  dueAt
  owner {
    id
  }
  assignee {
    id
  }
  order {
    id
  }
  createdAt
  completedAt
`;

const CREATE = /* GraphQL */ `
  mutation ($input: CreateTaskInput!) {
    createTask(input: $input) {
      ${TASK_FIELDS}
    }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $input: UpdateTaskInput!) {
    updateTask(id: $id, input: $input) {
      ${TASK_FIELDS}
    }
  }
`;

const COMPLETE = /* GraphQL */ `
  mutation ($id: ID!) {
    completeTask(id: $id) {
      ${TASK_FIELDS}
    }
  }
`;

const DELETE = /* GraphQL */ `
  mutation ($id: ID!) {
    deleteTask(id: $id)
  }
`;

const GET = /* GraphQL */ `
  query ($id: ID!) {
    task(id: $id) {
      ${TASK_FIELDS}
    }
  }
`;

const LIST = /* GraphQL */ `
  query ($status: TaskStatus, $first: Int, $after: String) {
    tasks(status: $status, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          title
          status
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

type ListData = {
  tasks: {
    edges: Array<{ cursor: string; node: { id: string; title: string; status: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

function person(role: Role = 'CUSTOMER'): Viewer {
  return { id: randomUUID(), role };
}

function gql<T = Record<string, unknown>>(
  viewer: Viewer | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  return postGraphQL<T>(url, query, {
    ...(variables ? { variables } : {}),
    headers: asRouter(SECRET, viewer),
  });
}

function ok<T>(res: GraphQLResponse<T>): T {
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!;
}

async function createTask(viewer: Viewer, input: Record<string, unknown>): Promise<TaskData> {
  return ok(await gql<{ createTask: TaskData }>(viewer, CREATE, { input })).createTask;
}

function update(viewer: Viewer, id: string, input: Record<string, unknown>) {
  return gql<{ updateTask: TaskData }>(viewer, UPDATE, { id, input });
}

function complete(viewer: Viewer, id: string) {
  return gql<{ completeTask: TaskData }>(viewer, COMPLETE, { id });
}

async function statusOf(viewer: Viewer, id: string): Promise<string | undefined> {
  return ok(await gql<{ task: TaskData | null }>(viewer, GET, { id })).task?.status;
}

describe('tasks subgraph', () => {
  it('creates a task owned by the viewer, trimmed, with references to other subgraphs', async () => {
    const me = person();
    const orderId = randomUUID();
    const task = await createTask(me, {
      title: '  Pack the parcel ',
      notes: 'Fragile',
      dueAt: '2030-01-31T10:00:00+01:00',
      assigneeId: me.id,
      orderId,
    });
    assert.equal(task.title, 'Pack the parcel');
    assert.equal(task.notes, 'Fragile');
    assert.equal(task.status, 'OPEN');
    assert.equal(task.dueAt, '2030-01-31T09:00:00.000Z');
    assert.deepEqual(task.owner, { id: me.id });
    assert.deepEqual(task.assignee, { id: me.id });
    assert.deepEqual(task.order, { id: orderId });
    assert.equal(task.completedAt, null);
    assert.ok(Math.abs(Date.parse(task.createdAt) - Date.now()) < 60_000);
    const read = ok(await gql<{ task: TaskData }>(me, GET, { id: task.id })).task;
    assert.deepEqual(read, task);
    const bare = await createTask(me, { title: 'Bare' });
    assert.equal(bare.assignee, null);
    assert.equal(bare.order, null);
    assert.equal(bare.notes, null);
    assert.equal(bare.dueAt, null);
  });

  it('rejects invalid input naming the field', async () => {
    const me = person();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ title: '   ' }, /^input\.title: /],
      [{ title: 'x'.repeat(201) }, /^input\.title: /],
      [{ title: 'ok', notes: 'n'.repeat(5001) }, /^input\.notes: /],
      [{ title: 'ok', assigneeId: 'not-a-uuid' }, /^input\.assigneeId: /],
      [{ title: 'ok', orderId: '42' }, /^input\.orderId: /],
    ];
    for (const [input, message] of cases) {
      const res = await gql(me, CREATE, { input });
      assert.deepEqual(errorCodes(res), ['BAD_USER_INPUT'], JSON.stringify(input));
      assert.match(res.errors![0]!.message, message);
    }
    const longest = await createTask(me, { title: 'x'.repeat(200), notes: 'n'.repeat(5000) });
    assert.equal(longest.title.length, 200);
    const badDate = await gql(me, CREATE, { input: { title: 'ok', dueAt: 'tomorrow' } });
    assert.deepEqual(errorCodes(badDate), ['BAD_USER_INPUT']);
    const task = await createTask(me, { title: 'Keep my title' });
    const nullTitle = await update(me, task.id, { title: null });
    assert.deepEqual(errorCodes(nullTitle), ['BAD_USER_INPUT']);
    assert.match(nullTitle.errors![0]!.message, /^input\.title: /);
    const emptyTitle = await update(me, task.id, { title: '' });
    assert.match(emptyTitle.errors![0]!.message, /^input\.title: /);
    const badId = await gql(me, GET, { id: 'nope' });
    assert.deepEqual(errorCodes(badId), ['BAD_USER_INPUT']);
    assert.match(badId.errors![0]!.message, /^id: /);
    assert.deepEqual(errorCodes(await complete(me, 'nope')), ['BAD_USER_INPUT']);
  });

  it('updates fields, and clears them with explicit nulls', async () => {
    const me = person();
    const task = await createTask(me, {
      title: 'Draft',
      notes: 'Some notes',
      dueAt: '2030-01-01T00:00:00Z',
      assigneeId: me.id,
    });
    const renamed = ok(
      await update(me, task.id, { title: ' Final ', dueAt: '2031-02-03T04:05:06Z' }),
    ).updateTask;
    assert.equal(renamed.title, 'Final');
    assert.equal(renamed.dueAt, '2031-02-03T04:05:06.000Z');
    assert.equal(renamed.notes, 'Some notes', 'omitted fields stay');
    const cleared = ok(
      await update(me, task.id, { notes: null, dueAt: null, assigneeId: null }),
    ).updateTask;
    assert.equal(cleared.notes, null);
    assert.equal(cleared.dueAt, null);
    assert.equal(cleared.assignee, null);
    assert.equal(cleared.title, 'Final');
    const same = ok(await update(me, task.id, {})).updateTask;
    assert.deepEqual(same, cleared);
  });

  it('completes an OPEN task once, and refuses to complete it again', async () => {
    const me = person();
    const task = await createTask(me, { title: 'Ship it' });
    const done = ok(await complete(me, task.id)).completeTask;
    assert.equal(done.status, 'DONE');
    assert.ok(done.completedAt && Math.abs(Date.parse(done.completedAt) - Date.now()) < 60_000);
    assert.deepEqual(errorCodes(await complete(me, task.id)), ['CONFLICT']);
    const cancelled = await createTask(me, { title: 'Never mind' });
    ok(await update(me, cancelled.id, { status: 'CANCELLED' }));
    assert.deepEqual(errorCodes(await complete(me, cancelled.id)), ['CONFLICT']);
    assert.equal(await statusOf(me, cancelled.id), 'CANCELLED');
  });

  it('lets only one of two concurrent completions win', async () => {
    const me = person();
    const task = await createTask(me, { title: 'Race' });
    const results = await Promise.all([complete(me, task.id), complete(me, task.id)]);
    const codes = results.map((res) => errorCodes(res)).sort();
    assert.deepEqual(codes, [[], ['CONFLICT']]);
  });

  it('follows the status transition rules', async () => {
    const me = person();
    const task = await createTask(me, { title: 'Cycle' });
    const done = ok(await update(me, task.id, { status: 'DONE' })).updateTask;
    assert.equal(done.status, 'DONE');
    assert.ok(done.completedAt);
    const noop = ok(await update(me, task.id, { status: 'DONE' })).updateTask;
    assert.equal(noop.completedAt, done.completedAt, 'same status is a no-op');
    const toCancelled = await update(me, task.id, { status: 'CANCELLED' });
    assert.deepEqual(errorCodes(toCancelled), ['CONFLICT']);
    const reopened = ok(await update(me, task.id, { status: 'OPEN' })).updateTask;
    assert.equal(reopened.status, 'OPEN');
    assert.equal(reopened.completedAt, null);
    const cancelled = ok(await update(me, task.id, { status: 'CANCELLED' })).updateTask;
    assert.equal(cancelled.status, 'CANCELLED');
    assert.equal(cancelled.completedAt, null);
    assert.equal(
      ok(await update(me, task.id, { status: 'CANCELLED' })).updateTask.status,
      'CANCELLED',
    );
    const toDone = await update(me, task.id, { status: 'DONE' });
    assert.deepEqual(errorCodes(toDone), ['CONFLICT']);
    assert.equal(await statusOf(me, task.id), 'CANCELLED');
    const back = ok(await update(me, task.id, { status: 'OPEN' })).updateTask;
    assert.equal(back.status, 'OPEN');
  });

  it('edits details only of tasks that are, or become, OPEN', async () => {
    const me = person();
    const task = await createTask(me, { title: 'Original' });
    const finishWithEdit = await update(me, task.id, { status: 'DONE', title: 'Changed' });
    assert.deepEqual(errorCodes(finishWithEdit), ['CONFLICT']);
    assert.equal(await statusOf(me, task.id), 'OPEN', 'nothing was applied');
    ok(await complete(me, task.id));
    for (const input of [
      { title: 'Late edit' },
      { notes: 'late' },
      { dueAt: '2030-01-01T00:00:00Z' },
      { assigneeId: me.id },
    ]) {
      const res = await update(me, task.id, input);
      assert.deepEqual(errorCodes(res), ['CONFLICT'], JSON.stringify(input));
    }
    const reopenAndEdit = ok(await update(me, task.id, { status: 'OPEN', title: 'Reworked' }));
    assert.equal(reopenAndEdit.updateTask.title, 'Reworked');
    assert.equal(reopenAndEdit.updateTask.status, 'OPEN');
    ok(await update(me, task.id, { status: 'CANCELLED' }));
    assert.deepEqual(errorCodes(await update(me, task.id, { notes: 'x' })), ['CONFLICT']);
  });

  it('deletes a task for its owner and for staff, then forgets it', async () => {
    const me = person();
    const task = await createTask(me, { title: 'Temporary' });
    assert.equal(
      ok(await gql<{ deleteTask: boolean }>(me, DELETE, { id: task.id })).deleteTask,
      true,
    );
    assert.equal(ok(await gql<{ task: TaskData | null }>(me, GET, { id: task.id })).task, null);
    assert.deepEqual(errorCodes(await gql(me, DELETE, { id: task.id })), ['NOT_FOUND']);
    const other = await createTask(me, { title: 'Staff removes' });
    ok(await gql(person('STAFF'), DELETE, { id: other.id }));
    assert.equal(ok(await gql<{ task: TaskData | null }>(me, GET, { id: other.id })).task, null);
  });

  it('hides a customer’s tasks from other customers', async () => {
    const a = person();
    const b = person();
    const task = await createTask(a, { title: 'Private' });
    assert.equal(ok(await gql<{ task: TaskData | null }>(b, GET, { id: task.id })).task, null);
    assert.equal(
      ok(await gql<{ task: TaskData | null }>(a, GET, { id: randomUUID() })).task,
      null,
      'unknown ids are null too',
    );
    assert.deepEqual(errorCodes(await update(b, task.id, { title: 'Mine now' })), ['NOT_FOUND']);
    assert.deepEqual(errorCodes(await complete(b, task.id)), ['NOT_FOUND']);
    assert.deepEqual(errorCodes(await gql(b, DELETE, { id: task.id })), ['NOT_FOUND']);
    const read = ok(await gql<{ task: TaskData }>(a, GET, { id: task.id })).task;
    assert.equal(read.title, 'Private');
    assert.equal(read.status, 'OPEN');
  });

  it('lets an assignee see and work on a task but not reassign or delete it', async () => {
    const staff = person('STAFF');
    const worker = person();
    const task = await createTask(staff, { title: 'Dispatch', assigneeId: worker.id });
    assert.deepEqual(task.owner, { id: staff.id });
    assert.deepEqual(task.assignee, { id: worker.id });
    const seen = ok(await gql<{ task: TaskData | null }>(worker, GET, { id: task.id })).task;
    assert.equal(seen?.id, task.id);
    const edited = ok(await update(worker, task.id, { notes: 'On my way' })).updateTask;
    assert.equal(edited.notes, 'On my way');
    const reassign = await update(worker, task.id, { assigneeId: null });
    assert.deepEqual(errorCodes(reassign), ['FORBIDDEN']);
    assert.deepEqual(errorCodes(await gql(worker, DELETE, { id: task.id })), ['FORBIDDEN']);
    assert.equal(ok(await complete(worker, task.id)).completeTask.status, 'DONE');
    const list = ok(await gql<ListData>(worker, LIST)).tasks.edges.map((e) => e.node.id);
    assert.deepEqual(list, [task.id]);
  });

  it('lets customers assign only themselves, and staff anyone', async () => {
    const a = person();
    const b = person();
    const forbidden = await gql(a, CREATE, { input: { title: 'For B', assigneeId: b.id } });
    assert.deepEqual(errorCodes(forbidden), ['FORBIDDEN']);
    const task = await createTask(a, { title: 'Mine' });
    assert.deepEqual(errorCodes(await update(a, task.id, { assigneeId: b.id })), ['FORBIDDEN']);
    const self = ok(await update(a, task.id, { assigneeId: a.id })).updateTask;
    assert.deepEqual(self.assignee, { id: a.id });
    const staff = person('ADMIN');
    const handed = ok(await update(staff, task.id, { assigneeId: b.id })).updateTask;
    assert.deepEqual(handed.assignee, { id: b.id });
    const byStaff = await createTask(staff, { title: 'For B', assigneeId: b.id });
    assert.deepEqual(byStaff.assignee, { id: b.id });
  });

  it('lists own and assigned tasks for customers, everything for staff, newest first', async () => {
    const a = person();
    const b = person();
    const staff = person('STAFF');
    const a1 = await createTask(a, { title: 'A1' });
    const a2 = await createTask(a, { title: 'A2' });
    const b1 = await createTask(b, { title: 'B1' });
    const assignedToA = await createTask(staff, { title: 'For A', assigneeId: a.id });
    ok(await complete(a, a1.id));
    const ids = (res: ListData) => res.tasks.edges.map((e) => e.node.id);
    assert.deepEqual(ids(ok(await gql<ListData>(a, LIST))), [assignedToA.id, a2.id, a1.id]);
    assert.deepEqual(ids(ok(await gql<ListData>(b, LIST))), [b1.id]);
    assert.deepEqual(ids(ok(await gql<ListData>(a, LIST, { status: 'DONE' }))), [a1.id]);
    const all = ids(ok(await gql<ListData>(staff, LIST, { first: 100 })));
    for (const id of [a1.id, a2.id, b1.id, assignedToA.id]) assert.ok(all.includes(id));
    assert.deepEqual(all, [...all].sort().reverse(), 'newest first');
  });

  it('pages with cursors and bounds the page size', async () => {
    const me = person();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createTask(me, { title: `P${i}` })).id);
    const newestFirst = [...created].reverse();
    const page1 = ok(await gql<ListData>(me, LIST, { first: 2 })).tasks;
    assert.deepEqual(
      page1.edges.map((e) => e.node.id),
      newestFirst.slice(0, 2),
    );
    assert.equal(page1.pageInfo.hasNextPage, true);
    const page2 = ok(
      await gql<ListData>(me, LIST, { first: 2, after: page1.pageInfo.endCursor }),
    ).tasks;
    assert.deepEqual(
      page2.edges.map((e) => e.node.id),
      newestFirst.slice(2, 4),
    );
    const page3 = ok(
      await gql<ListData>(me, LIST, { first: 2, after: page2.pageInfo.endCursor }),
    ).tasks;
    assert.deepEqual(
      page3.edges.map((e) => e.node.id),
      newestFirst.slice(4),
    );
    assert.equal(page3.pageInfo.hasNextPage, false);
    assert.deepEqual(errorCodes(await gql(me, LIST, { first: 101 })), ['BAD_USER_INPUT']);
    assert.deepEqual(errorCodes(await gql(me, LIST, { first: -1 })), ['BAD_USER_INPUT']);
    assert.deepEqual(errorCodes(await gql(me, LIST, { after: 'nope' })), ['BAD_USER_INPUT']);
    assert.equal(ok(await gql<ListData>(me, LIST, { first: 100 })).tasks.edges.length, 5);
  });

  it('requires a viewer for every operation', async () => {
    const me = person();
    const task = await createTask(me, { title: 'Anon' });
    const operations: Array<[string, Record<string, unknown>]> = [
      [GET, { id: task.id }],
      [LIST, {}],
      [CREATE, { input: { title: 'x' } }],
      [UPDATE, { id: task.id, input: { title: 'x' } }],
      [COMPLETE, { id: task.id }],
      [DELETE, { id: task.id }],
      [
        /* GraphQL */ `
          query ($r: [_Any!]!) {
            _entities(representations: $r) {
              ... on Task {
                id
              }
            }
          }
        `,
        { r: [{ __typename: 'Task', id: task.id }] },
      ],
    ];
    for (const [query, variables] of operations) {
      assert.deepEqual(errorCodes(await gql(null, query, variables)), ['UNAUTHENTICATED'], query);
    }
    assert.equal(await statusOf(me, task.id), 'OPEN');
  });
});

describe('federation entities', () => {
  const TASK_ENTITIES = /* GraphQL */ `
    query ($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on Task {
          id
          title
        }
      }
    }
  `;
  const USER_TASKS = /* GraphQL */ `
    query ($r: [_Any!]!, $status: TaskStatus, $after: String) {
      _entities(representations: $r) {
        ... on User {
          id
          tasks(first: 5, status: $status, after: $after) {
            edges {
              node {
                title
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      }
    }
  `;
  const ORDER_TASKS = /* GraphQL */ `
    query ($r: [_Any!]!) {
      _entities(representations: $r) {
        ... on Order {
          id
          tasks {
            title
          }
        }
      }
    }
  `;
  type UserTasks = {
    id: string;
    tasks: {
      edges: Array<{ node: { title: string } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  } | null;
  type OrderTasks = { id: string; tasks: Array<{ title: string }> } | null;
  const users = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));
  const orders = (ids: string[]) => ids.map((id) => ({ __typename: 'Order', id }));

  it('resolves Task references the viewer may see, null otherwise', async () => {
    const a = person();
    const task = await createTask(a, { title: 'Entity' });
    const r = [
      { __typename: 'Task', id: task.id },
      { __typename: 'Task', id: randomUUID() },
      { __typename: 'Task', id: 'not-a-uuid' },
    ];
    const mine = ok(await gql<{ _entities: unknown[] }>(a, TASK_ENTITIES, { r }));
    assert.deepEqual(mine._entities, [{ id: task.id, title: 'Entity' }, null, null]);
    const theirs = ok(await gql<{ _entities: unknown[] }>(person(), TASK_ENTITIES, { r }));
    assert.deepEqual(theirs._entities, [null, null, null]);
  });

  it('answers User.tasks for the user and staff only, owned or assigned, per user', async () => {
    const a = person();
    const b = person();
    const staff = person('STAFF');
    for (let i = 1; i <= 6; i++) await createTask(a, { title: `A${i}` });
    await createTask(staff, { title: 'Assigned to B', assigneeId: b.id });
    const doneForB = await createTask(b, { title: 'B done' });
    ok(await complete(b, doneForB.id));
    const own = ok(await gql<{ _entities: UserTasks[] }>(a, USER_TASKS, { r: users([a.id]) }));
    const aTasks = own._entities[0]!.tasks;
    assert.deepEqual(
      aTasks.edges.map((e) => e.node.title),
      ['A6', 'A5', 'A4', 'A3', 'A2'],
    );
    assert.equal(aTasks.pageInfo.hasNextPage, true);
    const rest = ok(
      await gql<{ _entities: UserTasks[] }>(a, USER_TASKS, {
        r: users([a.id]),
        after: aTasks.pageInfo.endCursor,
      }),
    );
    assert.deepEqual(
      rest._entities[0]!.tasks.edges.map((e) => e.node.title),
      ['A1'],
    );
    const other = await gql(b, USER_TASKS, { r: users([a.id]) });
    assert.deepEqual(errorCodes(other), ['FORBIDDEN']);
    const both = ok(
      await gql<{ _entities: UserTasks[] }>(staff, USER_TASKS, {
        r: users([b.id, a.id, 'not-a-uuid']),
      }),
    )._entities;
    assert.deepEqual(
      both[0]!.tasks.edges.map((e) => e.node.title),
      ['B done', 'Assigned to B'],
    );
    assert.equal(both[1]!.tasks.edges.length, 5);
    assert.equal(both[2], null);
    const open = ok(
      await gql<{ _entities: UserTasks[] }>(b, USER_TASKS, { r: users([b.id]), status: 'OPEN' }),
    )._entities;
    assert.deepEqual(
      open[0]!.tasks.edges.map((e) => e.node.title),
      ['Assigned to B'],
    );
  });

  it('answers Order.tasks newest first, limited to what the viewer may see', async () => {
    const a = person();
    const b = person();
    const orderId = randomUUID();
    await createTask(a, { title: 'A first', orderId });
    await createTask(b, { title: 'B second', orderId });
    await createTask(a, { title: 'A third', orderId });
    await createTask(a, { title: 'Elsewhere', orderId: randomUUID() });
    const r = orders([orderId, randomUUID(), 'not-a-uuid']);
    const forA = ok(await gql<{ _entities: OrderTasks[] }>(a, ORDER_TASKS, { r }))._entities;
    assert.deepEqual(forA, [
      { id: orderId, tasks: [{ title: 'A third' }, { title: 'A first' }] },
      { id: r[1]!.id, tasks: [] },
      null,
    ]);
    const forStaff = ok(
      await gql<{ _entities: OrderTasks[] }>(person('STAFF'), ORDER_TASKS, { r }),
    )._entities;
    assert.deepEqual(
      forStaff[0]!.tasks.map((t) => t.title),
      ['A third', 'B second', 'A first'],
    );
  });

  it('batches User.tasks into the same number of statements for 3 or 15 users', async () => {
    const staff = person('STAFF');
    const people = Array.from({ length: 15 }, () => person());
    for (const [i, p] of people.entries()) {
      await createTask(p, { title: `Own ${i}` });
      await createTask(staff, { title: `Given ${i}`, assigneeId: p.id });
    }
    const countFor = async (ids: string[]) => {
      statements = [];
      const res = ok(await gql<{ _entities: UserTasks[] }>(staff, USER_TASKS, { r: users(ids) }));
      const count = statements.length;
      res._entities.forEach((entity, i) =>
        assert.deepEqual(
          entity!.tasks.edges.map((e) => e.node.title),
          [`Given ${i}`, `Own ${i}`],
        ),
      );
      return count;
    };
    const few = await countFor(people.slice(0, 3).map((p) => p.id));
    const many = await countFor(people.map((p) => p.id));
    assert.ok(few >= 1, 'the query was observed');
    assert.equal(many, few);
  });

  it('batches Order.tasks into the same number of statements for 3 or 15 orders', async () => {
    const staff = person('STAFF');
    const orderIds = Array.from({ length: 15 }, () => randomUUID());
    for (const [i, orderId] of orderIds.entries()) {
      await createTask(staff, { title: `Fulfil ${i}`, orderId });
    }
    const countFor = async (ids: string[]) => {
      statements = [];
      const res = ok(
        await gql<{ _entities: OrderTasks[] }>(staff, ORDER_TASKS, { r: orders(ids) }),
      );
      const count = statements.length;
      res._entities.forEach((entity, i) =>
        assert.deepEqual(entity, { id: ids[i], tasks: [{ title: `Fulfil ${i}` }] }),
      );
      return count;
    };
    const few = await countFor(orderIds.slice(0, 3));
    const many = await countFor(orderIds);
    assert.ok(few >= 1, 'the query was observed');
    assert.equal(many, few);
  });
});
