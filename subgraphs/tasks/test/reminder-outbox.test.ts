import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Viewer } from '@supergraph/common';
import { errorCodes, withoutOrigin } from '@supergraph/testing';
import {
  COMPLETE,
  CREATE,
  DELETE,
  UPDATE,
  ok,
  outboxOf,
  person,
  startTasks,
  summary,
  type TaskData,
  type TasksHarness,
} from './harness.ts';

let tasks: TasksHarness;
before(async () => {
  tasks = await startTasks();
});
after(() => tasks.stop());

async function create(viewer: Viewer, input: Record<string, unknown>): Promise<TaskData> {
  return ok(await tasks.call<{ createTask: TaskData }>(viewer, CREATE, { input })).createTask;
}

function update(viewer: Viewer, id: string, input: Record<string, unknown>) {
  return tasks.call<{ updateTask: TaskData }>(viewer, UPDATE, { id, input });
}

const T1 = '2030-01-31T09:00:00.000Z';
const T2 = '2030-03-01T12:30:00.000Z';
const job = (id: string, iso: string) => `reminder.${id}.${Date.parse(iso)}`;

describe('reminders through the outbox', () => {
  it('schedules a reminder when a task is created with a due date', async () => {
    const me = person();
    const task = await create(me, { title: 'Call back', dueAt: T1 });
    const rows = await outboxOf(tasks.db, task.id);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.equal(row!.queue, 'task-reminders');
    assert.equal(row!.action, 'ADD');
    assert.equal(row!.jobName, 'send-reminder');
    assert.equal(row!.jobId, job(task.id, T1));
    assert.deepEqual(withoutOrigin(row!.payload), { taskId: task.id, dueAt: T1 });
    assert.equal(row!.runAt?.toISOString(), T1);
    assert.equal(row!.dispatchedAt, null);
    const bare = await create(me, { title: 'No date' });
    assert.deepEqual(await outboxOf(tasks.db, bare.id), []);
  });

  it('schedules a reminder for a due date already past, to be sent at once', async () => {
    const past = '2001-01-01T00:00:00.000Z';
    const task = await create(person(), { title: 'Overdue', dueAt: past });
    assert.deepEqual(summary(await outboxOf(tasks.db, task.id)), [`ADD ${job(task.id, past)}`]);
  });

  it('replaces the reminder when the due date changes, and cancels it when cleared', async () => {
    const me = person();
    const task = await create(me, { title: 'Move me', dueAt: T1 });
    ok(await update(me, task.id, { dueAt: T2 }));
    assert.deepEqual(summary(await outboxOf(tasks.db, task.id)), [
      `ADD ${job(task.id, T1)}`,
      `ADD ${job(task.id, T2)}`,
      `REMOVE ${job(task.id, T1)}`,
    ]);
    ok(await update(me, task.id, { title: 'Renamed', notes: 'no date change' }));
    ok(await update(me, task.id, { dueAt: T2 }));
    assert.equal((await outboxOf(tasks.db, task.id)).length, 3, 'same date: nothing new');
    ok(await update(me, task.id, { dueAt: null }));
    const rows = await outboxOf(tasks.db, task.id);
    assert.equal(rows.length, 4);
    assert.deepEqual(summary(rows.slice(3)), [`REMOVE ${job(task.id, T2)}`]);
  });

  it('cancels the reminder on completion and schedules it again on reopening', async () => {
    const me = person();
    const task = await create(me, { title: 'Finish', dueAt: T1 });
    ok(await tasks.call(me, COMPLETE, { id: task.id }));
    assert.deepEqual(summary((await outboxOf(tasks.db, task.id)).slice(1)), [
      `REMOVE ${job(task.id, T1)}`,
    ]);
    ok(await update(me, task.id, { status: 'OPEN' }));
    ok(await update(me, task.id, { status: 'CANCELLED' }));
    assert.deepEqual(summary((await outboxOf(tasks.db, task.id)).slice(2)), [
      `ADD ${job(task.id, T1)}`,
      `REMOVE ${job(task.id, T1)}`,
    ]);
  });

  it('cancels the reminder of a deleted OPEN task, and of nothing else', async () => {
    const me = person();
    const task = await create(me, { title: 'Delete me', dueAt: T1 });
    ok(await tasks.call(me, DELETE, { id: task.id }));
    assert.deepEqual(summary(await outboxOf(tasks.db, task.id)), [
      `ADD ${job(task.id, T1)}`,
      `REMOVE ${job(task.id, T1)}`,
    ]);
    const done = await create(me, { title: 'Done, then deleted', dueAt: T1 });
    ok(await tasks.call(me, COMPLETE, { id: done.id }));
    ok(await tasks.call(me, DELETE, { id: done.id }));
    assert.equal((await outboxOf(tasks.db, done.id)).length, 2, 'no second REMOVE');
  });

  it('writes the jobs of a change only when the change is made', async () => {
    const me = person();
    const task = await create(me, { title: 'Race', dueAt: T1 });
    const results = await Promise.all([
      tasks.call(me, COMPLETE, { id: task.id }),
      tasks.call(me, COMPLETE, { id: task.id }),
      update(me, task.id, { status: 'CANCELLED' }),
    ]);
    assert.equal(results.filter((res) => errorCodes(res).length === 0).length, 1);
    assert.deepEqual(summary(await outboxOf(tasks.db, task.id)), [
      `ADD ${job(task.id, T1)}`,
      `REMOVE ${job(task.id, T1)}`,
    ]);
    const refused = await update(me, task.id, { dueAt: T2 });
    assert.deepEqual(errorCodes(refused), ['CONFLICT']);
    assert.equal((await outboxOf(tasks.db, task.id)).length, 2);
  });

  it('follows the due date a concurrent edit wrote, not the one the request read', async () => {
    const me = person();
    const task = await create(me, { title: 'Edited twice', dueAt: T1 });
    const T3 = '2030-04-01T00:00:00.000Z';
    await Promise.all([update(me, task.id, { dueAt: T2 }), update(me, task.id, { dueAt: T3 })]);
    const rows = await outboxOf(tasks.db, task.id);
    // Whichever order they ran in, every scheduled reminder but the final one is removed.
    const final = (await tasks.db.task.findUniqueOrThrow({ where: { id: task.id } })).dueAt!;
    const pending = new Set<string>();
    for (const row of rows) {
      if (row.action === 'ADD') pending.add(row.jobId);
      else assert.ok(pending.delete(row.jobId), `removes a scheduled job: ${row.jobId}`);
    }
    assert.deepEqual([...pending], [job(task.id, final.toISOString())]);
  });
});
