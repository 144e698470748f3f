import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { outbox, type OutboxEntry, type OutboxRow, type SqlOutboxStore } from '@supergraph/queues';
import { appendOutbox, createTasksOutbox } from '../src/data/outbox-repository.ts';
import { openTasksDatabase, type TasksDatabase } from './harness.ts';

let database: TasksDatabase;
let store: SqlOutboxStore;
before(async () => {
  database = await openTasksDatabase(8);
  store = createTasksOutbox(database.db, database.databaseUrl);
});
after(() => database.stop());
beforeEach(() => database.db.outboxMessage.deleteMany());

const DUE = new Date('2030-01-31T09:00:00.000Z');

/** `count` reminder entries, written in one transaction as a change would. */
async function write(count: number): Promise<OutboxEntry[]> {
  const entries = Array.from({ length: count }, () =>
    outbox.reminderScheduled(randomUUID(), DUE),
  ).flat();
  await database.db.$transaction((tx) => appendOutbox(tx, entries));
  return entries;
}

const pending = () => database.db.outboxMessage.count({ where: { dispatchedAt: null } });

describe('tasks outbox store', () => {
  it('hands rows over oldest first, as written, and marks them dispatched', async () => {
    const entries = await write(3);
    const seen: OutboxRow[] = [];
    const count = await store.dispatchBatch(10, async (rows) => {
      seen.push(...rows);
    });
    assert.equal(count, 3);
    assert.deepEqual(
      seen.map(({ id: _id, ...entry }) => entry),
      entries,
    );
    assert.ok(seen[0]!.runAt instanceof Date);
    assert.equal(await pending(), 0);
    assert.equal(await store.dispatchBatch(10, () => assert.fail('nothing is left')), 0);
  });

  it('leaves the rows in place when dispatching throws', async () => {
    await write(2);
    await assert.rejects(
      store.dispatchBatch(10, () => Promise.reject(new Error('Redis is down'))),
      /Redis is down/,
    );
    assert.equal(await pending(), 2);
    assert.equal(await store.dispatchBatch(10, async () => {}), 2);
  });

  it('never hands a row to two relays at once', async () => {
    await write(10);
    let inner: string[] = [];
    const outer: string[] = [];
    await store.dispatchBatch(4, async (rows) => {
      outer.push(...rows.map((row) => row.id));
      // A second relay runs while the first one holds its rows.
      await store.dispatchBatch(4, async (more) => {
        inner = more.map((row) => row.id);
      });
    });
    assert.equal(outer.length, 4);
    assert.equal(inner.length, 4);
    assert.equal(new Set([...outer, ...inner]).size, 8);
    assert.equal(await pending(), 2);
  });

  it('dispatches each row exactly once across many concurrent relays', async () => {
    await write(40);
    const handed: string[] = [];
    const relay = async () => {
      for (;;) {
        const count = await store.dispatchBatch(3, async (rows) => {
          handed.push(...rows.map((row) => row.id));
          await sleep(Math.random() * 10);
        });
        if (count === 0) return;
      }
    };
    await Promise.all(Array.from({ length: 5 }, relay));
    assert.equal(handed.length, 40);
    assert.equal(new Set(handed).size, 40);
    assert.equal(await pending(), 0);
  });

  it('hands rows over in the order they were written, removals and re-adds included', async () => {
    const taskId = randomUUID();
    const other = outbox.reminderScheduled(randomUUID(), DUE);
    for (const entries of [
      outbox.reminderScheduled(taskId, DUE),
      outbox.reminderCancelled(taskId, DUE),
      other,
      outbox.reminderScheduled(taskId, DUE),
    ]) {
      await database.db.$transaction((tx) => appendOutbox(tx, entries));
    }
    const batches: string[][] = [];
    const dispatch = async (rows: OutboxRow[]) => {
      batches.push(rows.map((row) => `${row.action} ${row.jobId}`));
    };
    while ((await store.dispatchBatch(10, dispatch)) > 0);
    const job = `reminder.${taskId}.${DUE.getTime()}`;
    assert.deepEqual(batches, [
      [`ADD ${job}`, `REMOVE ${job}`, `ADD ${other[0]!.jobId}`, `ADD ${job}`],
    ]);
  });

  it('refuses to hand over a row for a queue no worker serves, and keeps it', async () => {
    await database.db.outboxMessage.create({
      data: { queue: 'no-such-queue', jobName: 'x', jobId: 'x.1', payload: {} },
    });
    await assert.rejects(
      store.dispatchBatch(10, () => assert.fail('nothing is dispatched')),
      /unknown queue no-such-queue/,
    );
    assert.equal(await pending(), 1);
  });

  it('purges only rows dispatched before the cut-off', async () => {
    await write(2);
    await store.dispatchBatch(1, async () => {});
    assert.equal(await store.purgeDispatched(new Date(Date.now() - 60_000)), 0);
    assert.equal(await store.purgeDispatched(new Date(Date.now() + 1000)), 1);
    assert.equal(await database.db.outboxMessage.count(), 1);
  });

  it('wakes a listener when a transaction that wrote rows commits', async () => {
    let calls = 0;
    const errors: Error[] = [];
    const stop = await store.listen(
      () => calls++,
      (error) => errors.push(error),
    );
    try {
      const connected = calls;
      assert.ok(connected >= 1, 'once on connecting, for rows written while away');
      await write(1);
      for (let waited = 0; calls === connected && waited < 5000; waited += 20) await sleep(20);
      assert.ok(calls > connected, 'notified after the commit');
      assert.deepEqual(errors, []);
    } finally {
      await stop();
    }
  });
});
