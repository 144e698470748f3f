import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outboxForChange, type TaskState } from '../src/task-events.ts';

const ID = '0190a000-0000-7000-8000-00000000000a';
const ORDER = '0190a000-0000-7000-8000-0000000000b0';
const T1 = new Date('2030-01-01T09:00:00Z');
const T2 = new Date('2030-02-01T09:00:00Z');
const open = (dueAt: Date | null): TaskState => ({
  id: ID,
  kind: 'TODO',
  status: 'OPEN',
  dueAt,
  orderId: null,
});

const jobs = (before: TaskState | null, after: TaskState | null) =>
  outboxForChange(before, after).map((e) => `${e.action} ${e.jobId}`);

describe('jobs caused by task changes', () => {
  it('schedules a reminder for an OPEN task with a due date, past ones included', () => {
    assert.deepEqual(jobs(null, open(T1)), [`ADD reminder.${ID}.${T1.getTime()}`]);
    const past = new Date('2001-01-01T00:00:00Z');
    assert.deepEqual(jobs(null, open(past)), [`ADD reminder.${ID}.${past.getTime()}`]);
    assert.deepEqual(jobs(null, open(null)), []);
    assert.deepEqual(jobs(null, { ...open(T1), status: 'CANCELLED' }), []);
  });

  it('replaces the reminder when the due date moves, and only then', () => {
    assert.deepEqual(jobs(open(T1), open(T2)), [
      `REMOVE reminder.${ID}.${T1.getTime()}`,
      `ADD reminder.${ID}.${T2.getTime()}`,
    ]);
    assert.deepEqual(jobs(open(T1), open(null)), [`REMOVE reminder.${ID}.${T1.getTime()}`]);
    assert.deepEqual(jobs(open(null), open(T2)), [`ADD reminder.${ID}.${T2.getTime()}`]);
    assert.deepEqual(jobs(open(T1), open(new Date(T1))), [], 'an equal date is no change');
  });

  it('cancels on leaving OPEN and on delete, and schedules again on reopening', () => {
    const remove = [`REMOVE reminder.${ID}.${T1.getTime()}`];
    assert.deepEqual(jobs(open(T1), { ...open(T1), status: 'DONE' }), remove);
    assert.deepEqual(jobs(open(T1), { ...open(T1), status: 'CANCELLED' }), remove);
    assert.deepEqual(jobs(open(T1), null), remove);
    assert.deepEqual(jobs({ ...open(T1), status: 'DONE' }, null), []);
    assert.deepEqual(jobs({ ...open(T1), status: 'DONE' }, open(T1)), [
      `ADD reminder.${ID}.${T1.getTime()}`,
    ]);
  });

  it('reports a completed fulfilment task to the orders service, once per completion', () => {
    const fulfilment: TaskState = { ...open(T1), kind: 'FULFILMENT', orderId: ORDER };
    const entries = outboxForChange(fulfilment, { ...fulfilment, status: 'DONE' });
    assert.deepEqual(
      entries.map((e) => [e.queue, e.action, e.jobName, e.jobId, e.payload]),
      [
        ['task-reminders', 'REMOVE', 'send-reminder', `reminder.${ID}.${T1.getTime()}`, {}],
        [
          'order-fulfilment',
          'ADD',
          'fulfilment-completed',
          `fulfilment-completed.${ID}`,
          { orderId: ORDER, taskId: ID },
        ],
      ],
    );
    assert.deepEqual(jobs(fulfilment, { ...fulfilment, status: 'CANCELLED' }), [
      `REMOVE reminder.${ID}.${T1.getTime()}`,
    ]);
    assert.deepEqual(jobs({ ...open(T1), orderId: ORDER }, { ...open(T1), status: 'DONE' }), [
      `REMOVE reminder.${ID}.${T1.getTime()}`,
    ]);
    const noOrder = { ...fulfilment, dueAt: null, orderId: null };
    assert.deepEqual(jobs(noOrder, { ...noOrder, status: 'DONE' }), []);
  });
});
