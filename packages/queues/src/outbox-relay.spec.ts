import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { closeConnection, producerConnection } from './connection.ts';
import { outbox, reminderJobId } from './definitions.ts';
import { enqueueRows, type OutboxRow } from './outbox-relay.ts';
import { QueueSet } from './queue-set.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const rows = (entries: ReturnType<typeof outbox.reminderScheduled>): OutboxRow[] =>
  entries.map((entry) => ({ ...entry, id: randomUUID() }));

describe('enqueueRows, on real Redis', () => {
  const connection = producerConnection(redisUrl);
  const queues = new QueueSet(connection, `sgtest-${randomUUID().slice(0, 8)}`);

  before(() => once(connection, 'ready'));
  after(async () => {
    await Promise.all(queues.all().map((queue) => queue.obliterate({ force: true })));
    await queues.close();
    await closeConnection(connection);
  });

  it('applies a removal and a re-add of the same job in order: the job ends scheduled', async () => {
    const taskId = randomUUID();
    const dueAt = new Date(Date.now() + 3600_000);
    await enqueueRows(queues, [
      ...rows(outbox.reminderScheduled(taskId, dueAt)),
      ...rows(outbox.reminderCancelled(taskId, dueAt)),
      ...rows(outbox.reminderScheduled(taskId, dueAt)),
    ]);
    const job = await queues.get('task-reminders').getJob(reminderJobId(taskId, dueAt));
    assert.ok(job, 'the re-added reminder exists');
    assert.equal(await job.getState(), 'delayed');
    assert.ok(job.delay > 3500_000);
  });

  it('enqueues a row dispatched twice as one job', async () => {
    const orderId = randomUUID();
    const entries = outbox.orderPlaced(orderId, randomUUID());
    await enqueueRows(queues, rows(entries));
    await enqueueRows(queues, rows(entries));
    const queue = queues.get('order-confirmation');
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active']);
    assert.equal(jobs.filter((job) => job.id === `confirmation.${orderId}`).length, 1);
    assert.equal(await queue.getJobCountByTypes('waiting'), 1);
  });

  it('fails fast, without waiting, while Redis is unreachable', async () => {
    const dead = producerConnection('redis://127.0.0.1:1', { retryStrategy: () => null });
    dead.on('error', () => {});
    const deadQueues = new QueueSet(dead, 'sgtest-dead');
    const started = Date.now();
    await assert.rejects(
      enqueueRows(deadQueues, rows(outbox.orderPlaced(randomUUID(), randomUUID()))),
    );
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    await deadQueues.close().catch(() => {});
    dead.disconnect();
  });
});

describe('job retention, on real Redis', () => {
  const connection = producerConnection(redisUrl);
  const queues = new QueueSet(connection, `sgtest-${randomUUID().slice(0, 8)}`);

  // Connected by now, most likely: the suite above waited on its own connection.
  before(async () => {
    if (connection.status !== 'ready') await once(connection, 'ready');
  });
  after(async () => {
    await Promise.all(queues.all().map((queue) => queue.obliterate({ force: true })));
    await queues.close();
    await closeConnection(connection);
  });

  it('bounds failed jobs by age and count on every queue, keeping a week for the dashboard', async () => {
    for (const queue of queues.all()) {
      const job = await queue.add('probe', {});
      const stored = await queue.getJob(job.id!);
      assert.deepEqual(
        stored?.opts.removeOnFail,
        { count: 10_000, age: 7 * 24 * 3600 },
        queue.name,
      );
      assert.ok(stored?.opts.removeOnComplete, queue.name);
    }
  });
});
