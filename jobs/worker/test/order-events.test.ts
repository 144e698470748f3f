/**
 * The worker announces the changes its jobs make to orders (the confirmation email's status,
 * the fulfilment saga's statuses) on the deployment's order-events channel, once committed,
 * each with the order's next version: heard here by a plain Redis subscriber, as a router
 * hears them, while the real worker sends through a real SMTP server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OrderEventRecorder, SmtpSink, waitUntil } from '@supergraph/testing';
import {
  LOCAL_REDIS,
  settle,
  startJobSystem,
  waitForEmailState,
  waitForOrder,
  type Auth,
  type JobSystem,
} from './harness.ts';

describe('order events from the worker', () => {
  let jobs: JobSystem;
  let recorder: OrderEventRecorder;
  let sink: SmtpSink;
  let staff: Auth;

  before(async () => {
    assert.equal(typeof LOCAL_REDIS, 'string', 'these tests run on one Redis server');
    jobs = await startJobSystem();
    recorder = await OrderEventRecorder.start(LOCAL_REDIS as string, jobs.prefix);
    sink = await SmtpSink.start();
    const worker = await jobs.startWorker({ smtpUrl: sink.url });
    // Connected to Redis: announcements made before that are lost, as they may be at start-up.
    await waitUntil(async () => Object.keys(await worker.ready()).length === 0, {
      what: 'the worker to be ready',
    });
    staff = await jobs.staff();
  });
  after(async () => {
    await recorder?.close();
    await jobs?.stop();
    await sink?.stop();
  });

  async function versionOf(auth: Auth, id: string): Promise<number> {
    const data = await jobs.call<{ order: { version: number } }>(
      auth,
      `query ($id: ID!) { order(id: $id) { version } }`,
      { id },
    );
    return data.order.version;
  }

  it('announces the confirmation email going to SENT and the order being confirmed and fulfilled', async () => {
    const buyer = await jobs.signUp();
    const order = await jobs.placeOrder(buyer);
    await sink.waitForAccepted(1);
    await waitForEmailState(jobs, buyer, order.id, (state) => state.status === 'SENT');
    const confirmed = await waitForOrder(jobs, buyer, order.id, (o) => o.status === 'CONFIRMED');

    // Placed as version 1 by the subgraph; then, from the worker, SENDING and SENT for the
    // email and CONFIRMED for the order, in whichever order the concurrent jobs committed.
    assert.equal(await versionOf(buyer, order.id), 4);
    const heard = await recorder.waitFor(order.id, (events) => events.length >= 3);
    assert.deepEqual(
      heard.map((event) => event?.version ?? 0).sort((a, b) => a - b),
      [2, 3, 4],
      JSON.stringify(heard),
    );
    for (const event of heard) {
      assert.deepEqual(event, {
        orderId: order.id,
        customerId: buyer.user.id,
        version: event?.version,
      });
    }

    await jobs.call(staff, `mutation ($id: ID!) { completeTask(id: $id) { status } }`, {
      id: confirmed.tasks[0]?.id,
    });
    await waitForOrder(jobs, buyer, order.id, (o) => o.status === 'FULFILLED');
    assert.equal(await versionOf(buyer, order.id), 5);
    const all = await recorder.waitFor(order.id, (events) => events.length >= 4);
    assert.deepEqual(all.at(-1), { orderId: order.id, customerId: buyer.user.id, version: 5 });

    // One announcement per change, and none besides: a retried or repeated job changes nothing.
    await settle();
    assert.equal(recorder.of(order.id).length, 4);
  });
});
