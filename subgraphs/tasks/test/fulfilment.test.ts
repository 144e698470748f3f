import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Mailer, UserDirectory } from '@supergraph/mail';
import type { Job, OrderEvent } from '@supergraph/queues';
import { errorCodes, withoutOrigin } from '@supergraph/testing';
import { createTasksProcessors, type TasksProcessors } from '../src/jobs/index.ts';
import {
  COMPLETE,
  CREATE,
  DELETE,
  GET,
  UPDATE,
  ok,
  outboxOf,
  person,
  silent,
  startTasks,
  summary,
  type TaskData,
  type TasksHarness,
} from './harness.ts';

let tasks: TasksHarness;
let processors: TasksProcessors;

const unusedMailer: Mailer = {
  send: () => Promise.reject(new Error('no mail expected')),
  close: () => {},
};
const noUsers: UserDirectory = { get: () => Promise.resolve(null) };

before(async () => {
  tasks = await startTasks();
  processors = createTasksProcessors({
    db: tasks.db,
    mailer: unusedMailer,
    users: noUsers,
    mailFrom: 'Shop <no-reply@shop.example>',
    leaseMs: 60_000,
    logger: silent,
  });
});
after(() => tasks.stop());

// The saga's handlers never touch the job itself.
const job = {} as Job<OrderEvent>;
const placed = (event: OrderEvent) =>
  processors['task-fulfilment']['order-placed'](event, job, undefined);
const cancelled = (event: OrderEvent) =>
  processors['task-fulfilment']['order-cancelled'](event, job, undefined);

function newOrder(): OrderEvent {
  return { orderId: randomUUID(), customerId: randomUUID() };
}

function tasksOfOrder(orderId: string) {
  return tasks.db.task.findMany({ where: { orderId }, orderBy: { id: 'asc' } });
}

describe('order saga: fulfilment tasks', () => {
  it('creates one fulfilment task per placed order, however often the event arrives', async () => {
    const order = newOrder();
    await placed(order);
    await placed(order);
    await Promise.all([placed(order), placed(order), placed(order)]);
    const found = await tasksOfOrder(order.orderId);
    assert.equal(found.length, 1);
    const [task] = found;
    assert.equal(task!.kind, 'FULFILMENT');
    assert.equal(task!.status, 'OPEN');
    assert.equal(task!.originKey, `fulfil.${order.orderId}`);
    assert.equal(task!.title, `Fulfil order #${order.orderId.slice(-12)}`);
    assert.equal(task!.ownerId, order.customerId);
    assert.equal(task!.assigneeId, null);
    assert.equal(task!.dueAt, null);
    const rows = await outboxOf(tasks.db, task!.id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.queue, 'order-fulfilment');
    assert.equal(rows[0]!.jobName, 'fulfilment-started');
    assert.equal(rows[0]!.jobId, `fulfilment-started.${task!.id}`);
    assert.deepEqual(withoutOrigin(rows[0]!.payload), { orderId: order.orderId, taskId: task!.id });
  });

  it('stores ids lower-cased and refuses malformed events for good', async () => {
    const order = newOrder();
    await placed({
      orderId: order.orderId.toUpperCase(),
      customerId: order.customerId.toUpperCase(),
    });
    const [task] = await tasksOfOrder(order.orderId);
    assert.equal(task?.ownerId, order.customerId);
    await assert.rejects(placed({ orderId: 'nope', customerId: order.customerId }), {
      name: 'UnrecoverableError',
    });
  });

  it('cancels the open tasks of a cancelled order with their reminders', async () => {
    const order = newOrder();
    await placed(order);
    const owner = { id: order.customerId, role: 'CUSTOMER' as const };
    const dueAt = '2030-05-01T08:00:00.000Z';
    const todo = ok(
      await tasks.call<{ createTask: TaskData }>(owner, CREATE, {
        input: { title: 'Wrap the gift', orderId: order.orderId, dueAt },
      }),
    ).createTask;
    const finished = ok(
      await tasks.call<{ createTask: TaskData }>(owner, CREATE, {
        input: { title: 'Already done', orderId: order.orderId },
      }),
    ).createTask;
    ok(await tasks.call(owner, COMPLETE, { id: finished.id }));
    // Anyone can link a to-do to any order id; the customer's cancellation must not reach it.
    const stranger = { id: randomUUID(), role: 'CUSTOMER' as const };
    const strangers = ok(
      await tasks.call<{ createTask: TaskData }>(stranger, CREATE, {
        input: { title: 'Watch this order', orderId: order.orderId },
      }),
    ).createTask;
    const other = newOrder();
    await placed(other);

    await cancelled(order);
    await cancelled(order);
    const byId = new Map((await tasksOfOrder(order.orderId)).map((t) => [t.id, t]));
    const fulfilment = [...byId.values()].find((t) => t.kind === 'FULFILMENT')!;
    assert.equal(fulfilment.status, 'CANCELLED');
    assert.equal(fulfilment.completedAt, null);
    assert.equal(byId.get(todo.id)?.status, 'CANCELLED');
    assert.equal(byId.get(finished.id)?.status, 'DONE', 'a finished task keeps its outcome');
    assert.ok(byId.get(finished.id)?.completedAt);
    assert.equal(byId.get(strangers.id)?.status, 'OPEN', "another user's to-do is untouched");
    const [otherTask] = await tasksOfOrder(other.orderId);
    assert.equal(otherTask?.status, 'OPEN', 'other orders are untouched');
    assert.deepEqual(summary(await outboxOf(tasks.db, todo.id)), [
      `ADD reminder.${todo.id}.${Date.parse(dueAt)}`,
      `REMOVE reminder.${todo.id}.${Date.parse(dueAt)}`,
    ]);
  });

  it('leaves a cancelled order cancelled when its placement arrives late', async () => {
    const order = newOrder();
    await cancelled(order);
    await placed(order);
    const found = await tasksOfOrder(order.orderId);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.status, 'CANCELLED');
    assert.equal(found[0]!.kind, 'FULFILMENT');
    assert.equal(found[0]!.originKey, `fulfil.${order.orderId}`);
    assert.equal(found[0]!.ownerId, order.customerId);
    assert.deepEqual(await outboxOf(tasks.db, found[0]!.id), [], 'fulfilment never started');
  });

  it('ends with one cancelled task when placement and cancellation race', async () => {
    for (let i = 0; i < 5; i++) {
      const order = newOrder();
      await Promise.all([placed(order), cancelled(order), placed(order)]);
      const found = await tasksOfOrder(order.orderId);
      assert.deepEqual(
        found.map((t) => t.status),
        ['CANCELLED'],
      );
    }
  });
});

describe('fulfilment tasks in the graph', () => {
  it('lets the customer see their fulfilment task but only staff change it', async () => {
    const order = newOrder();
    await placed(order);
    const [task] = await tasksOfOrder(order.orderId);
    const id = task!.id;
    const customer = { id: order.customerId, role: 'CUSTOMER' as const };
    const seen = ok(await tasks.call<{ task: TaskData | null }>(customer, GET, { id })).task;
    assert.equal(seen?.status, 'OPEN');
    const attempts = [
      tasks.call(customer, COMPLETE, { id }),
      tasks.call(customer, UPDATE, { id, input: { status: 'DONE' } }),
      tasks.call(customer, UPDATE, { id, input: { notes: 'Please hurry' } }),
      tasks.call(customer, DELETE, { id }),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.deepEqual(errorCodes(res), ['FORBIDDEN']);
    }
    assert.equal((await outboxOf(tasks.db, id)).length, 1, 'only fulfilment-started');

    const staff = person('STAFF');
    const done = ok(await tasks.call<{ completeTask: TaskData }>(staff, COMPLETE, { id }));
    assert.equal(done.completeTask.status, 'DONE');
    const rows = await outboxOf(tasks.db, id);
    assert.deepEqual(summary(rows), [
      `ADD fulfilment-completed.${id}`,
      `ADD fulfilment-started.${id}`,
    ]);
    const completed = rows.find((row) => row.jobName === 'fulfilment-completed')!;
    assert.equal(completed.queue, 'order-fulfilment');
    assert.deepEqual(withoutOrigin(completed.payload), { orderId: order.orderId, taskId: id });

    const reopen = await tasks.call(customer, UPDATE, { id, input: { status: 'OPEN' } });
    assert.deepEqual(errorCodes(reopen), ['FORBIDDEN']);
    const reopened = ok(
      await tasks.call<{ updateTask: TaskData }>(staff, UPDATE, { id, input: { status: 'OPEN' } }),
    );
    assert.equal(reopened.updateTask.status, 'OPEN');
    ok(await tasks.call(staff, DELETE, { id }));
  });

  it('still lets a customer change their own to-dos on the same order', async () => {
    const order = newOrder();
    await placed(order);
    const customer = { id: order.customerId, role: 'CUSTOMER' as const };
    const todo = ok(
      await tasks.call<{ createTask: TaskData }>(customer, CREATE, {
        input: { title: 'Check the parcel', orderId: order.orderId },
      }),
    ).createTask;
    const done = ok(
      await tasks.call<{ completeTask: TaskData }>(customer, COMPLETE, { id: todo.id }),
    );
    assert.equal(done.completeTask.status, 'DONE');
    assert.deepEqual(await outboxOf(tasks.db, todo.id), [], 'a to-do reports nothing');
  });
});
