import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SmtpSink } from '@supergraph/testing';
import {
  placeConfirmedOrder,
  startJobSystem,
  waitForOrder,
  type Auth,
  type JobSystem,
} from './harness.ts';

describe('the fulfilment saga', () => {
  let jobs: JobSystem;
  let sink: SmtpSink;
  let staff: Auth;

  before(async () => {
    jobs = await startJobSystem();
    sink = await SmtpSink.start();
    await jobs.startWorker({ smtpUrl: sink.url });
    staff = await jobs.staff();
  });
  after(async () => {
    await jobs.stop();
    await sink.stop();
  });

  it('creates one fulfilment task per order, confirms it, and fulfils it when the task is done', async () => {
    const buyer = await jobs.signUp();
    const { id, task } = await placeConfirmedOrder(jobs, buyer);
    assert.equal(task.title, `Fulfil order #${id.replaceAll('-', '').slice(-12)}`);
    assert.equal(task.status, 'OPEN');

    const refused = await fetch(jobs.system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}` },
      body: JSON.stringify({
        query: `mutation ($id: ID!) { completeTask(id: $id) { id } }`,
        variables: { id: task.id },
      }),
    });
    const refusal = (await refused.json()) as {
      errors?: Array<{ extensions?: { code?: string } }>;
    };
    assert.equal(refusal.errors?.[0]?.extensions?.code, 'FORBIDDEN');

    await jobs.call(staff, `mutation ($id: ID!) { completeTask(id: $id) { status } }`, {
      id: task.id,
    });
    const fulfilled = await waitForOrder(jobs, buyer, id, (o) => o.status === 'FULFILLED');
    assert.equal(fulfilled.tasks[0]?.status, 'DONE');
    assert.equal(await jobs.tasks.task.count({ where: { orderId: id } }), 1);
  });

  it('cancels the open fulfilment task when its order is cancelled', async () => {
    const buyer = await jobs.signUp();
    const { id } = await jobs.placeOrder(buyer);
    await waitForOrder(jobs, buyer, id, (o) => o.tasks.length > 0);
    const cancelled = await jobs.call<{ cancelOrder: { status: string } }>(
      buyer,
      `mutation ($id: ID!) { cancelOrder(id: $id) { status } }`,
      { id },
    );
    assert.equal(cancelled.cancelOrder.status, 'CANCELLED');
    const order = await waitForOrder(jobs, buyer, id, (o) =>
      o.tasks.every((t) => t.status === 'CANCELLED'),
    );
    assert.equal(order.status, 'CANCELLED');
    assert.equal(order.tasks.length, 1);
  });
});
