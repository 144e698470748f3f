/**
 * The worker as its own process, from its real entry point, under its own queue prefix: on
 * SIGTERM it stops taking jobs, lets the email in flight finish, and exits 0; a send that
 * outlasts SHUTDOWN_GRACE_MS is abandoned (exit 1) and another worker delivers it, once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { QUEUES } from '@supergraph/queues';
import { freePort, SmtpSink, waitUntil } from '@supergraph/testing';
import { settle, startJobSystem, waitForEmailState, type JobSystem } from './harness.ts';

/** How long the SMTP server takes to answer the message in flight. */
const ANSWER_DELAY_MS = 1500;

/** Long enough for the delayed answer; the lease must outlast the SMTP timeout. */
const SLOW_SMTP = { SMTP_TIMEOUT_MS: '8000', EMAIL_LEASE_MS: '9000' };

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('worker shutdown', () => {
  let jobs: JobSystem;

  before(async () => {
    jobs = await startJobSystem();
  });
  after(() => jobs.stop());

  async function spawnOnPort(smtpUrl: string, env: Record<string, string> = {}) {
    const port = await freePort();
    const child = await jobs.spawnWorker({
      smtpUrl,
      env: { ...SLOW_SMTP, WORKER_PORT: String(port), ...env },
    });
    const base = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${base}/health`).catch(() => null))?.ok, {
      timeoutMs: 30_000,
      what: 'the worker to start',
    });
    return { child, base };
  }

  it('finishes the email in flight on SIGTERM, takes no new job, then exits 0', async () => {
    const sink = await SmtpSink.start();
    sink.mode = { kind: 'hold' };
    const { child, base } = await spawnOnPort(sink.url);
    try {
      const exited = exitOf(child);
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      await waitUntil(() => sink.heldCount === 1, { timeoutMs: 20_000, what: 'a send in flight' });
      const answer = setTimeout(() => {
        sink.mode = { kind: 'accept' };
        sink.releaseAll();
      }, ANSWER_DELAY_MS);
      child.kill('SIGTERM');
      try {
        await settle(300);
        assert.equal(child.exitCode, null, 'the worker must wait for its email');
        // Still served while the job drains, so that a scrape can watch it.
        assert.equal((await fetch(`${base}/health`)).status, 200);
        // A job that arrives during the drain waits for the next worker.
        const late = await jobs.placeOrder(buyer);
        await jobs
          .queue(QUEUES.orderConfirmation)
          .add('send-confirmation', { orderId: late.id }, { jobId: `confirmation.${late.id}` });

        const { code, signal } = await exited;
        assert.equal(signal, null);
        assert.equal(code, 0);
        assert.equal(sink.accepted.length, 1);
        assert.equal(sink.received, 1, 'the late job was not taken');
        const lateJob = await jobs
          .queue(QUEUES.orderConfirmation)
          .getJob(`confirmation.${late.id}`);
        assert.equal(await lateJob?.getState(), 'waiting');
      } finally {
        clearTimeout(answer);
      }
      const delivery = await jobs.orders.emailDelivery.findUnique({
        where: { orderId: order.id },
      });
      assert.equal(delivery?.status, 'SENT');
      assert.equal(delivery?.attempts, 1);
      const state = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
      assert.equal(state.attempts, 1);
      await assert.rejects(fetch(`${base}/health`), 'no longer listening');
      await settle(500);
      assert.equal(sink.accepted.length, 1);
    } finally {
      child.kill('SIGKILL');
      await sink.stop();
    }
  });

  it('abandons a send that outlasts SHUTDOWN_GRACE_MS, exits 1, and the email still goes once', async () => {
    const sink = await SmtpSink.start();
    // One SMTP connection: the sink answers every held message when any connection closes,
    // and the only one to close must be the abandoned send's own.
    const { child: stopping } = await spawnOnPort(sink.url, {
      SHUTDOWN_GRACE_MS: '1000',
      SMTP_MAX_CONNECTIONS: '1',
    });
    let survivor: ChildProcess | null = null;
    try {
      const exited = exitOf(stopping);
      // What earlier tests left (the late order) goes first, so that the send held below is
      // this test's only job in flight.
      const confirmations = jobs.queue(QUEUES.orderConfirmation);
      await waitUntil(
        async () =>
          (await jobs.orders.outboxMessage.count({ where: { dispatchedAt: null } })) === 0 &&
          (await confirmations.getJobCountByTypes('waiting', 'active', 'delayed')) === 0,
        { timeoutMs: 20_000, what: 'earlier jobs to be done' },
      );
      sink.mode = { kind: 'hold' };
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      await waitUntil(() => sink.heldCount === 1, { timeoutMs: 20_000, what: 'a send in flight' });
      const started = Date.now();
      stopping.kill('SIGTERM');
      const { code, signal } = await exited;
      const took = Date.now() - started;
      assert.equal(signal, null);
      assert.equal(code, 1, 'an abandoned job is a shutdown that did not drain');
      // Well before the last-resort exit at grace + 3 s: the grace itself ended the wait.
      assert.ok(took >= 1000 && took < 3000, `exited after ${took} ms`);
      const accepted = sink.accepted.length;
      assert.ok(!sink.accepted.some((mail) => mail.messageId?.includes(order.id)));

      sink.mode = { kind: 'accept' };
      ({ child: survivor } = await spawnOnPort(sink.url));
      // The abandoned job's lock lapses and the survivor takes it up as stalled.
      const sent = await waitForEmailState(
        jobs,
        buyer,
        order.id,
        (s) => s.status === 'SENT',
        30_000,
      );
      assert.equal(sent.attempts, 2);
      await settle(2000);
      const ours = sink.accepted.filter((mail) => mail.messageId?.includes(order.id));
      assert.equal(ours.length, 1);
      assert.equal(sink.accepted.length, accepted + 1);
    } finally {
      stopping.kill('SIGKILL');
      survivor?.kill('SIGTERM');
      if (survivor) await exitOf(survivor);
      await sink.stop();
    }
  });
});
