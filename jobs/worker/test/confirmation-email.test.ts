import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QUEUES } from '@supergraph/queues';
import { freePort, SmtpSink, waitUntil } from '@supergraph/testing';
import { settle, startJobSystem, waitForEmailState, type JobSystem } from './harness.ts';

describe('order confirmation email', () => {
  let jobs: JobSystem;

  before(async () => {
    jobs = await startJobSystem();
  });
  after(() => jobs.stop());

  it('sends exactly one email per order, with its lines and total', async () => {
    const sink = await SmtpSink.start();
    const worker = await jobs.startWorker({ smtpUrl: sink.url });
    try {
      const buyer = await jobs.signUp('Grace Hopper');
      const order = await jobs.placeOrder(buyer);
      const [mail] = await sink.waitForAccepted(1);
      await settle();
      assert.equal(sink.accepted.length, 1);
      const parsed = mail!.parsed!;
      assert.equal(
        parsed.to && 'value' in parsed.to ? parsed.to.value[0]?.address : null,
        buyer.user.email,
      );
      assert.equal(parsed.messageId, `<order-confirmation.${order.id}@supergraph.test>`);
      // 2 × Mug at $12.50 and 1 × T-Shirt at $20.00.
      assert.equal(order.totalCents, 4500);
      for (const body of [parsed.text ?? '', String(parsed.html)]) {
        assert.match(body, /Mug/);
        assert.match(body, /T-Shirt/);
        assert.match(body, /\$45\.00/);
      }
      assert.match(String(parsed.html), /Grace Hopper/);
      const state = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
      assert.equal(state.attempts, 1);
      assert.ok(state.sentAt);
      assert.equal(state.lastError, null);
    } finally {
      await worker.stop();
      await sink.stop();
    }
  });

  it('keeps retrying while SMTP is down and sends once when it is back, attempts visible', async () => {
    const port = await freePort();
    const worker = await jobs.startWorker({ smtpUrl: `smtp://127.0.0.1:${port}` });
    let sink: SmtpSink | null = null;
    try {
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      // Two attempts have failed and the email waits for its next one.
      const failing = await waitForEmailState(
        jobs,
        buyer,
        order.id,
        (s) => s.attempts >= 2 && s.status === 'QUEUED',
      );
      assert.match(failing.lastError ?? '', /ECONNREFUSED|connect/i);
      sink = await SmtpSink.start(port);
      await sink.waitForAccepted(1, 20_000);
      const sent = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
      assert.ok(sent.attempts >= 3, `attempts: ${sent.attempts}`);
      await settle();
      assert.equal(sink.accepted.length, 1);
    } finally {
      await worker.stop();
      await sink?.stop();
    }
  });

  it('ends at once as FAILED on a permanent rejection, visible in the graph', async () => {
    const sink = await SmtpSink.start();
    sink.mode = { kind: 'reject', code: 550, message: 'No such mailbox here' };
    const worker = await jobs.startWorker({ smtpUrl: sink.url });
    try {
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      const state = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'FAILED');
      assert.equal(state.attempts, 1);
      assert.match(state.lastError ?? '', /550/);
      assert.equal(state.sentAt, null);
      const job = await waitUntil(
        async () => {
          const found = await jobs
            .queue(QUEUES.orderConfirmation)
            .getJob(`confirmation.${order.id}`);
          return found && (await found.getState()) === 'failed' ? found : null;
        },
        { what: 'the job to fail' },
      );
      assert.equal(job.attemptsMade, 1);
      await settle(800);
      assert.equal(sink.accepted.length, 0);
    } finally {
      await worker.stop();
      await sink.stop();
    }
  });

  it('rolls back with its order: a refused order leaves no job behind', async () => {
    const sink = await SmtpSink.start();
    const worker = await jobs.startWorker({ smtpUrl: sink.url });
    try {
      const buyer = await jobs.signUp();
      const before = await jobs.queue(QUEUES.orderConfirmation).getJobCounts();
      const res = await fetch(jobs.system.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}` },
        body: JSON.stringify({
          query: `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
          variables: {
            input: {
              items: [
                { productId: jobs.productIds[0], quantity: 1 },
                { productId: '01900000-0000-7000-8000-000000000000', quantity: 1 },
              ],
            },
          },
        }),
      });
      const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      assert.equal(body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      await settle(800);
      const counts = await jobs.queue(QUEUES.orderConfirmation).getJobCounts();
      assert.deepEqual(counts, before);
      assert.equal(await jobs.orders.outboxMessage.count({ where: { dispatchedAt: null } }), 0);
      assert.equal(sink.received, 0);
    } finally {
      await worker.stop();
      await sink.stop();
    }
  });
});

describe('a send slower than its lease', () => {
  let jobs: JobSystem;

  before(async () => {
    jobs = await startJobSystem();
  });
  after(() => jobs.stop());

  it('keeps its claim while the server is slow, so a second attempt never sends a copy', async () => {
    const sink = await SmtpSink.start();
    // Each step answers inside SMTP_TIMEOUT_MS (2 s), yet the whole send takes longer than
    // EMAIL_LEASE_MS (3 s).
    sink.mode = { kind: 'slow', delayMs: 1500 };
    const worker = await jobs.startWorker({ smtpUrl: sink.url });
    try {
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENDING');
      await settle(3500);
      assert.equal(sink.accepted.length, 0, 'still sending');
      // A second job for the same email, as a duplicate delivery or a recovered job would be.
      await jobs
        .queue(QUEUES.orderConfirmation)
        .add('send-confirmation', { orderId: order.id }, { jobId: `copy.${order.id}` });
      await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
      await settle(3000);
      assert.equal(sink.accepted.length, 1);
    } finally {
      await worker.stop();
      await sink.stop();
    }
  });
});
