/**
 * The worker's ops server over real HTTP, in front of a worker running real jobs on a Redis of
 * the test's own, which the last test stops to see /ready turn.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { closeServer, listen } from '@supergraph/lifecycle';
import { createLogger } from '@supergraph/observability';
import { DEPTH_STATES, QUEUE_NAMES, QUEUES } from '@supergraph/queues';
import { metricSample, PrivateRedis, SmtpSink, waitUntil } from '@supergraph/testing';
import { createOpsServer } from '../src/ops-server.ts';
import type { Worker } from '../src/worker.ts';
import { startJobSystem, waitForEmailState, type JobSystem } from './harness.ts';

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
const sample = (text: string, name: string, labels: Record<string, string> = {}) =>
  metricSample(text, name, labels) ?? 0;

const confirmation = { queue: QUEUES.orderConfirmation, job: 'send-confirmation' };

describe('worker ops server', () => {
  let redis: PrivateRedis;
  let jobs: JobSystem;
  let sink: SmtpSink;
  let worker: Worker;
  let ops: Server;
  let url: string;

  const get = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init);
  const scrape = async () => {
    const res = await get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return res.text();
  };

  before(async () => {
    redis = await PrivateRedis.start();
    jobs = await startJobSystem({ redis: redis.url });
    sink = await SmtpSink.start();
    worker = await jobs.startWorker({ smtpUrl: sink.url });
    ops = await createOpsServer({
      metrics: worker.metrics,
      ready: () => worker.ready(),
      logger: createLogger('ops-test', 'silent'),
    });
    url = `http://127.0.0.1:${await listen(ops, 0, '127.0.0.1')}`;
  });
  after(async () => {
    await closeServer(ops, 100);
    await redis.up();
    await jobs.stop();
    await sink.stop();
    await redis.stop();
  });

  it('answers /health, and 404 in JSON for anything else', async () => {
    const health = await get('/health');
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    for (const [path, method] of [
      ['/', 'GET'],
      ['/graphql', 'GET'],
      ['/metrics/extra', 'GET'],
      ['/health', 'POST'],
    ] as const) {
      const res = await get(path, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(await res.json(), { error: 'not found' });
    }
  });

  it('shows the jobs it ran, the depth of every queue and the process in /metrics', async () => {
    const buyer = await jobs.signUp();
    const order = await jobs.placeOrder(buyer);
    await sink.waitForAccepted(1);
    await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
    // The completion is counted once Redis has recorded it, a moment after the ledger.
    const text = await waitUntil(
      async () => {
        const scraped = await scrape();
        return sample(scraped, 'jobs_completed_total', confirmation) >= 1 ? scraped : null;
      },
      { what: 'the confirmation to be counted' },
    );
    assert.ok(
      sample(text, 'jobs_duration_seconds_count', { ...confirmation, outcome: 'completed' }) >= 1,
      text,
    );
    assert.ok(
      sample(text, 'jobs_duration_seconds_sum', { ...confirmation, outcome: 'completed' }) > 0,
    );
    assert.equal(sample(text, 'jobs_failures_total', confirmation), 0);
    for (const queue of QUEUE_NAMES) {
      for (const state of DEPTH_STATES) {
        assert.match(
          text,
          new RegExp(`^jobs_queue_depth\\{(?=[^}]*queue="${queue}")(?=[^}]*state="${state}")`, 'm'),
          `${queue} ${state}`,
        );
      }
    }
    assert.ok(
      sample(text, 'jobs_queue_depth', { queue: QUEUES.orderConfirmation, state: 'completed' }) >=
        1,
    );
    assert.ok(sample(text, 'process_cpu_user_seconds_total', { service: 'worker' }) > 0);
    // The server's own requests: the scrapes and probes above.
    assert.ok(sample(text, 'http_request_duration_seconds_count', { status: '200' }) >= 1);
  });

  it('counts a failed attempt that will be retried, then the completion', async () => {
    const before = await scrape();
    const retries = sample(before, 'jobs_retries_total', confirmation);
    const completed = sample(before, 'jobs_completed_total', confirmation);
    const accepted = sink.accepted.length;
    // A 4xx reply: the server may take the message later, so the job is retried.
    sink.mode = { kind: 'reject', code: 451, message: 'Try again later' };
    const buyer = await jobs.signUp();
    let order: { id: string };
    try {
      order = await jobs.placeOrder(buyer);
      const failed = await waitUntil(
        async () => {
          const text = await scrape();
          return sample(text, 'jobs_retries_total', confirmation) > retries ? text : null;
        },
        { timeoutMs: 15_000, what: 'a retried attempt' },
      );
      assert.ok(sample(failed, 'jobs_failures_total', { ...confirmation, final: 'false' }) >= 1);
      assert.equal(sample(failed, 'jobs_failures_total', { ...confirmation, final: 'true' }), 0);
      assert.ok(
        sample(failed, 'jobs_duration_seconds_count', { ...confirmation, outcome: 'failed' }) >= 1,
      );
    } finally {
      sink.mode = { kind: 'accept' };
    }
    await sink.waitForAccepted(accepted + 1, 20_000);
    const state = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
    assert.ok(state.attempts >= 2, `attempts: ${state.attempts}`);
    await waitUntil(
      async () => sample(await scrape(), 'jobs_completed_total', confirmation) === completed + 1,
      { what: 'the retried job to be counted as completed' },
    );
  });

  it('names Redis in /ready when it is above 90% of its maxmemory, with the ratio in /metrics', async () => {
    const admin = new Redis(redis.url);
    try {
      assert.equal(sample(await scrape(), 'redis_memory_used_ratio'), 0, 'no maxmemory: no ratio');
      const used = Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))?.[1]);
      // Just above what Redis holds: past the alarm, before writes are refused.
      await admin.config('SET', 'maxmemory', String(Math.ceil(used * 1.05)));
      const res = await get('/ready');
      const body = (await res.json()) as { failures?: Record<string, string> };
      assert.equal(res.status, 503, JSON.stringify(body));
      assert.match(body.failures?.redis ?? '', /of maxmemory, above the alarm at 90\.0%/);
      assert.ok(sample(await scrape(), 'redis_memory_used_ratio') > 0.9);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
    }
    assert.equal((await get('/ready')).status, 200);
  });

  it('is ready while Postgres and Redis answer, and names Redis when it is gone', async () => {
    const ready = await get('/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
    const depth = { queue: QUEUES.orderConfirmation, state: 'completed' };
    const counted = sample(await scrape(), 'jobs_queue_depth', depth);
    assert.ok(counted >= 1);

    await redis.down();
    const res = await get('/ready');
    assert.equal(res.status, 503);
    const body = (await res.json()) as { status: string; failures: Record<string, string> };
    assert.equal(body.status, 'not ready');
    assert.deepEqual(Object.keys(body.failures), ['redis'], JSON.stringify(body));
    // A scrape during the outage still answers, promptly, with the last counts.
    const started = Date.now();
    const during = await scrape();
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.equal(sample(during, 'jobs_queue_depth', depth), counted);
    assert.equal((await get('/health')).status, 200);

    await redis.up();
    await waitUntil(async () => (await get('/ready')).status === 200, {
      timeoutMs: 10_000,
      what: '/ready once Redis is back',
    });
  });
});
