/**
 * The jobs a request enqueues belong to it: their spans continue the request's trace, through
 * the outbox and Redis, and their log lines carry the request's id.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { createLogger } from '@supergraph/observability';
import {
  collectSpans,
  SmtpSink,
  waitUntil,
  type ReadableSpan,
  type SpanCollector,
} from '@supergraph/testing';
import { startJobSystem, type JobSystem } from './harness.ts';

let spans: SpanCollector;
let jobs: JobSystem;

before(async () => {
  spans = collectSpans();
  jobs = await startJobSystem();
});
after(async () => {
  await jobs.stop();
  await spans.stop();
});

const scope = (span: ReadableSpan) => span.instrumentationScope.name;

describe('job tracing', () => {
  it("continues the order's trace and request id in the jobs it causes", async () => {
    let logs = '';
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    const mail = await SmtpSink.start();
    const worker = await jobs.startWorker({
      smtpUrl: mail.url,
      logger: createLogger('worker', 'info', sink),
    });
    try {
      const buyer = await jobs.signUp('Traced Tom');
      const res = await fetch(jobs.system.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${buyer.token}`,
          'x-request-id': 'order-trace-7',
        },
        body: JSON.stringify({
          query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
          variables: { input: { items: [{ productId: jobs.productIds[0], quantity: 1 }] } },
        }),
      });
      assert.equal(res.status, 200);
      await mail.waitForAccepted(1);

      const request = spans
        .spans()
        .find(
          (span) => scope(span) === 'router' && span.attributes['request.id'] === 'order-trace-7',
        );
      assert.ok(request, "the router's span of the order");
      const traceId = request.spanContext().traceId;
      // The confirmation, the fulfilment task, and the task's report back to orders.
      const expected = [
        'order-confirmation send-confirmation',
        'task-fulfilment order-placed',
        'order-fulfilment fulfilment-started',
      ];
      await waitUntil(
        () => expected.every((name) => spans.spans().some((span) => span.name === name)),
        { timeoutMs: 10_000, what: 'the three jobs to run' },
      );
      const inTrace = spans.spans().filter((span) => span.spanContext().traceId === traceId);
      const ids = new Set(inTrace.map((span) => span.spanContext().spanId));
      for (const name of expected) {
        const job = inTrace.find((span) => span.name === name);
        assert.ok(job, `${name} is in the order's trace`);
        assert.equal(scope(job), 'worker');
        assert.ok(
          ids.has(job.parentSpanContext?.spanId ?? ''),
          `${name} has its parent in the trace`,
        );
      }
      // The email's recipient lookup reached the users subgraph within the same trace.
      const confirmation = inTrace.find((span) => span.name === expected[0])!;
      assert.ok(
        inTrace.some(
          (span) =>
            scope(span) === 'users' &&
            span.parentSpanContext?.spanId === confirmation.spanContext().spanId,
        ),
        "the users subgraph's span is a child of the email job's",
      );

      await waitUntil(() => (logs.match(/"msg":"job done"/g) ?? []).length >= 3, {
        timeoutMs: 5_000,
        what: 'the job log lines',
      });
      const lines = logs
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string; requestId?: string; queue?: string });
      const done = lines.filter((line) => line.msg === 'job done');
      assert.deepEqual(done.map((line) => line.queue).sort(), [
        'order-confirmation',
        'order-fulfilment',
        'task-fulfilment',
      ]);
      for (const line of done) assert.equal(line.requestId, 'order-trace-7');
    } finally {
      await worker.stop();
      await mail.stop();
    }
  });
});
