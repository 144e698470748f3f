import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { SmtpSink, waitUntil } from '@supergraph/testing';
import { settle, startJobSystem, waitForEmailState, type JobSystem } from './harness.ts';

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', resolve));

describe('a worker killed mid-send', () => {
  let jobs: JobSystem;

  before(async () => {
    jobs = await startJobSystem();
  });
  after(() => jobs.stop());

  it('is recovered by another worker, and the customer gets exactly one email', async () => {
    const sink = await SmtpSink.start();
    sink.mode = { kind: 'hold' };
    const doomed = await jobs.spawnWorker({ smtpUrl: sink.url });
    let survivor: ChildProcess | null = null;
    try {
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      // The message is on the wire, waiting for the server's reply, when the worker dies.
      await waitUntil(() => sink.heldCount === 1, { timeoutMs: 20_000, what: 'a send in flight' });
      const sending = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENDING');
      assert.equal(sending.attempts, 1);
      doomed.kill('SIGKILL');
      await exited(doomed);
      assert.equal(sink.accepted.length, 0);

      sink.mode = { kind: 'accept' };
      survivor = await jobs.spawnWorker({ smtpUrl: sink.url });
      await sink.waitForAccepted(1, 30_000);
      const sent = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
      assert.equal(sent.attempts, 2);
      await settle(3000);
      assert.equal(sink.accepted.length, 1);
      assert.equal(sink.received, 2);
    } finally {
      doomed.kill('SIGKILL');
      survivor?.kill('SIGTERM');
      if (survivor) await exited(survivor);
      await sink.stop();
    }
  });

  it('drains the job in flight on SIGTERM before exiting', async () => {
    const sink = await SmtpSink.start();
    sink.mode = { kind: 'hold' };
    const worker = await jobs.spawnWorker({ smtpUrl: sink.url });
    try {
      const buyer = await jobs.signUp();
      const order = await jobs.placeOrder(buyer);
      await waitUntil(() => sink.heldCount === 1, { timeoutMs: 20_000, what: 'a send in flight' });
      worker.kill('SIGTERM');
      await settle(300);
      assert.equal(worker.exitCode, null, 'the worker must wait for its job');
      sink.mode = { kind: 'accept' };
      sink.releaseAll();
      await exited(worker);
      assert.equal(worker.exitCode, 0);
      assert.equal(sink.accepted.length, 1);
      const state = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
      assert.equal(state.attempts, 1);
    } finally {
      worker.kill('SIGKILL');
      await sink.stop();
    }
  });
});
