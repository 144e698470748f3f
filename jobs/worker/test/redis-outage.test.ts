import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrivateRedis, SmtpSink } from '@supergraph/testing';
import { settle, startJobSystem, waitForEmailState, type JobSystem } from './harness.ts';

describe('Redis going away', () => {
  let redis: PrivateRedis;
  let jobs: JobSystem;
  let sink: SmtpSink;

  before(async () => {
    redis = await PrivateRedis.start();
    jobs = await startJobSystem({ redis: redis.url });
    sink = await SmtpSink.start();
  });
  after(async () => {
    await jobs.stop();
    await sink.stop();
    await redis.stop();
  });

  it('takes orders while Redis is down, and sends their emails once it is back', async () => {
    const worker = await jobs.startWorker({ smtpUrl: sink.url });
    try {
      await redis.down();
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      await settle(1000);
      assert.equal(sink.received, 0);
      assert.equal(
        await jobs.orders.outboxMessage.count({ where: { dispatchedAt: null } }),
        2,
        'the order and fulfilment messages wait in the outbox',
      );
      await redis.up();
      await sink.waitForAccepted(1, 20_000);
      const state = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
      assert.equal(state.attempts, 1);
      await settle();
      assert.equal(sink.accepted.length, 1);
    } finally {
      await worker.stop();
    }
  });

  it('keeps an idle worker working after Redis restarts', async () => {
    const worker = await jobs.startWorker({ smtpUrl: sink.url });
    try {
      const already = sink.accepted.length;
      await redis.restart();
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      await sink.waitForAccepted(already + 1, 20_000);
      await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
      await settle();
      assert.equal(sink.accepted.length, already + 1);
    } finally {
      await worker.stop();
    }
  });
});
