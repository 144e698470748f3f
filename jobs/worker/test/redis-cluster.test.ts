/**
 * The job pipeline on a Redis Cluster of three masters: the worker configured by
 * REDIS_CLUSTER_NODES, its queues under a hash-tag prefix, and the router and subgraphs on the
 * same cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QUEUES } from '@supergraph/queues';
import { PrivateRedisCluster, SmtpSink, waitUntil } from '@supergraph/testing';
import {
  placeConfirmedOrder,
  settle,
  startJobSystem,
  waitForEmailState,
  waitForOrder,
  type Auth,
  type JobSystem,
} from './harness.ts';

describe('jobs on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let jobs: JobSystem;
  let sink: SmtpSink;
  let staff: Auth;

  before(async () => {
    cluster = await PrivateRedisCluster.start();
    jobs = await startJobSystem({ redis: cluster.target, servicesRedis: cluster.target });
    sink = await SmtpSink.start();
    const worker = await jobs.startWorker({ smtpUrl: sink.url });
    // Its readiness asks the cluster for its state, once its client has the slot map.
    await waitUntil(async () => Object.keys(await worker.ready()).length === 0, {
      what: 'the worker to be ready',
    });
    staff = await jobs.staff();
  });
  after(async () => {
    await jobs?.stop();
    await sink?.stop();
    await cluster?.stop();
  });

  it('sends the order confirmation email once', async () => {
    assert.match(jobs.prefix, /^\{sgtest-[\da-f]{8}\}$/);
    const buyer = await jobs.signUp('Grace Hopper');
    const order = await jobs.placeOrder(buyer);
    const [mail] = await sink.waitForAccepted(1);
    assert.equal(mail!.parsed!.messageId, `<order-confirmation.${order.id}@supergraph.test>`);
    const state = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
    assert.equal(state.attempts, 1);
    await settle();
    assert.equal(sink.accepted.length, 1);
    const job = await jobs.queue(QUEUES.orderConfirmation).getJob(`confirmation.${order.id}`);
    assert.equal(await job?.getState(), 'completed');
  });

  it('runs the fulfilment saga to the end', async () => {
    const buyer = await jobs.signUp();
    const { id, task } = await placeConfirmedOrder(jobs, buyer);
    await jobs.call(staff, `mutation ($id: ID!) { completeTask(id: $id) { status } }`, {
      id: task.id,
    });
    const fulfilled = await waitForOrder(jobs, buyer, id, (o) => o.status === 'FULFILLED');
    assert.equal(fulfilled.tasks[0]?.status, 'DONE');
    const queue = jobs.queue(QUEUES.orderFulfilment);
    for (const jobId of [`fulfilment-started.${task.id}`, `fulfilment-completed.${task.id}`]) {
      assert.equal(await (await queue.getJob(jobId))?.getState(), 'completed', jobId);
    }
  });
});
