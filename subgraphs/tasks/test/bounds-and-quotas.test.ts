/**
 * What one order or one account can grow to: `Order.tasks` answers at most the bound the
 * router costs it at, and an account keeps at most 500 open tasks and 100 reminders due.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ORDER_TASKS_LIMIT } from '@supergraph/common';
import {
  CREATE,
  UPDATE,
  ok,
  person,
  startTasks,
  type TaskData,
  type TasksHarness,
} from './harness.ts';

let tasks: TasksHarness;

before(async () => {
  tasks = await startTasks();
});
after(() => tasks.stop());

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000);

/** `count` tasks owned by `ownerId`, written straight to the table. */
async function seed(
  ownerId: string,
  count: number,
  extra: { dueAt?: Date; orderId?: string; status?: 'OPEN' | 'DONE' } = {},
) {
  await tasks.db.task.createMany({
    data: Array.from({ length: count }, (_, i) => ({ title: `Seeded ${i}`, ownerId, ...extra })),
  });
}

const codeOf = (res: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  res.errors?.[0]?.extensions;

describe('Order.tasks', () => {
  it(`answers at most ${ORDER_TASKS_LIMIT} tasks of an order, the newest`, async () => {
    assert.equal(ORDER_TASKS_LIMIT, 50);
    const staff = person('STAFF');
    const orderId = randomUUID();
    await seed(staff.id, ORDER_TASKS_LIMIT + 5, { orderId });
    const newest = ok(
      await tasks.call<{ createTask: TaskData }>(staff, CREATE, {
        input: { title: 'Newest', orderId },
      }),
    ).createTask;
    const res = ok(
      await tasks.call<{ _entities: Array<{ tasks: Array<{ id: string }> }> }>(
        staff,
        /* GraphQL */ `
          query ($r: [_Any!]!) {
            _entities(representations: $r) {
              ... on Order {
                tasks {
                  id
                }
              }
            }
          }
        `,
        { r: [{ __typename: 'Order', id: orderId }] },
      ),
    );
    const ids = res._entities[0]!.tasks.map((t) => t.id);
    assert.equal(ids.length, ORDER_TASKS_LIMIT);
    assert.equal(ids[0], newest.id);
    assert.deepEqual(ids, [...ids].sort().reverse());
  });
});

describe('per-account quotas', () => {
  it('refuses a 501st open task with QUOTA_EXCEEDED; done tasks do not count', async () => {
    const me = person();
    await seed(me.id, 499);
    await seed(me.id, 20, { status: 'DONE' });
    ok(await tasks.call(me, CREATE, { input: { title: 'The 500th' } }));
    const refused = await tasks.call(me, CREATE, { input: { title: 'The 501st' } });
    assert.deepEqual(codeOf(refused), { code: 'QUOTA_EXCEEDED', quota: 'openTasks', limit: 500 });
    assert.match(refused.errors?.[0]?.message ?? '', /500 open tasks/);
    assert.equal(await tasks.db.task.count({ where: { ownerId: me.id, status: 'OPEN' } }), 500);
    // Another account is not affected.
    ok(await tasks.call(person(), CREATE, { input: { title: 'Mine' } }));
  });

  it('refuses reopening a task past the open-task quota', async () => {
    const me = person();
    const task = ok(
      await tasks.call<{ createTask: TaskData }>(me, CREATE, { input: { title: 'x' } }),
    ).createTask;
    ok(await tasks.call(me, UPDATE, { id: task.id, input: { status: 'DONE' } }));
    await seed(me.id, 500);
    const refused = await tasks.call(me, UPDATE, { id: task.id, input: { status: 'OPEN' } });
    assert.equal(codeOf(refused)?.code, 'QUOTA_EXCEEDED');
  });

  it('refuses a 101st reminder, by creation or by update, but not a task without one', async () => {
    const me = person();
    await seed(me.id, 99, { dueAt: inAWeek() });
    await seed(me.id, 5, { dueAt: new Date(Date.now() - 86_400_000) }); // past: no reminder
    ok(
      await tasks.call(me, CREATE, {
        input: { title: 'The 100th', dueAt: inAWeek().toISOString() },
      }),
    );
    const refused = await tasks.call(me, CREATE, {
      input: { title: 'The 101st', dueAt: inAWeek().toISOString() },
    });
    assert.deepEqual(codeOf(refused), { code: 'QUOTA_EXCEEDED', quota: 'reminders', limit: 100 });
    const plain = ok(
      await tasks.call<{ createTask: TaskData }>(me, CREATE, { input: { title: 'No reminder' } }),
    ).createTask;
    const viaUpdate = await tasks.call(me, UPDATE, {
      id: plain.id,
      input: { dueAt: inAWeek().toISOString() },
    });
    assert.equal(codeOf(viaUpdate)?.code, 'QUOTA_EXCEEDED');
    assert.equal((await tasks.db.task.findUniqueOrThrow({ where: { id: plain.id } })).dueAt, null);
  });
});
