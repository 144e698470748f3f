/**
 * Two real worker processes on the same queues and the same outboxes, as two replicas of the
 * deployment are: every email still goes out once, and every outbox row becomes one job.
 *
 * Each process connects to Postgres under its own `application_name`, so that a trigger can
 * record which replica's relay marked each outbox row dispatched, and serves its own /metrics,
 * so that the jobs each one completed can be read without reaching into it.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { RedisClient } from '@supergraph/redis';
import {
  QUEUE_NAMES,
  QUEUES,
  QueueEvents,
  workerConnection,
  type QueueName,
} from '@supergraph/queues';
import { freePort, metricSample, SmtpSink, waitUntil } from '@supergraph/testing';
import { settle, startJobSystem, type Auth, type JobSystem } from './harness.ts';

/** SMTP connections per process: more messages than this on the wire at once means both send. */
const SMTP_CONNECTIONS = 2;
/**
 * Confirmation jobs one process runs at once: fewer than the first test's orders, so that one
 * process cannot take them all while its sends are held and the other must take some.
 */
const EMAIL_CONCURRENCY = 10;

type Replica = { name: string; child: ChildProcess; base: string };

/** The value of the sample of `name` whose labels include `labels`; 0 before the first one. */
const sample = (text: string, name: string, labels: Record<string, string>) =>
  metricSample(text, name, labels) ?? 0;

async function confirmationsCompleted(replica: Replica): Promise<number> {
  const res = await fetch(`${replica.base}/metrics`);
  assert.equal(res.status, 200);
  return sample(await res.text(), 'jobs_completed_total', {
    queue: QUEUES.orderConfirmation,
    job: 'send-confirmation',
  });
}

/** Runs `fn` over `items` with at most `width` calls in flight, as a burst of clients would. */
async function inParallel<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!);
      }
    }),
  );
  return results;
}

describe('two worker processes on the same queues', () => {
  let jobs: JobSystem;
  let sink: SmtpSink;
  let replicas: Replica[] = [];
  let events: QueueEvents[] = [];
  const eventConnections: RedisClient[] = [];
  const added = new Map<QueueName, number>();
  const duplicated: string[] = [];
  let buyers: Auth[] = [];

  before(async () => {
    jobs = await startJobSystem();
    // Every UPDATE that marks an outbox row dispatched leaves a line, with the replica whose
    // connection made it; a rolled-back dispatch leaves none, like the mark itself.
    for (const sql of [
      `CREATE TABLE public.dispatch_audit (
         outbox text NOT NULL, row_id uuid NOT NULL, replica text NOT NULL,
         at timestamptz NOT NULL DEFAULT clock_timestamp())`,
      `CREATE FUNCTION public.audit_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO public.dispatch_audit (outbox, row_id, replica)
         VALUES (TG_TABLE_SCHEMA, NEW.id, current_setting('application_name'));
         RETURN NEW;
       END $$`,
      `CREATE TRIGGER dispatch_audit AFTER UPDATE OF dispatched_at ON orders.outbox
       FOR EACH ROW WHEN (NEW.dispatched_at IS NOT NULL) EXECUTE FUNCTION public.audit_dispatch()`,
      `CREATE TRIGGER dispatch_audit AFTER UPDATE OF dispatched_at ON tasks.outbox
       FOR EACH ROW WHEN (NEW.dispatched_at IS NOT NULL) EXECUTE FUNCTION public.audit_dispatch()`,
    ]) {
      await jobs.orders.$executeRawUnsafe(sql);
    }

    // From the start of each queue's event stream, so that no add is missed however late
    // the subscription starts reading; the prefix is this file's own.
    events = QUEUE_NAMES.map((queue) => {
      // A connection each: reading events blocks it.
      const connection = workerConnection(jobs.redis);
      connection.on('error', () => {});
      eventConnections.push(connection);
      const queueEvents = new QueueEvents(queue, {
        connection,
        prefix: jobs.prefix,
        lastEventId: '0-0',
      });
      queueEvents.on('error', () => {});
      queueEvents.on('added', () => added.set(queue, (added.get(queue) ?? 0) + 1));
      queueEvents.on('duplicated', ({ jobId }) => duplicated.push(`${queue}/${jobId}`));
      return queueEvents;
    });
    await Promise.all(events.map((queueEvents) => queueEvents.waitUntilReady()));

    sink = await SmtpSink.start();
    replicas = await Promise.all(
      ['replica-a', 'replica-b'].map(async (name) => {
        const port = await freePort();
        const databaseUrl = new URL(jobs.system.databaseUrl);
        databaseUrl.searchParams.set('application_name', name);
        const child = await jobs.spawnWorker({
          smtpUrl: sink.url,
          env: {
            WORKER_PORT: String(port),
            DATABASE_URL: databaseUrl.toString(),
            SMTP_MAX_CONNECTIONS: String(SMTP_CONNECTIONS),
            EMAIL_CONCURRENCY: String(EMAIL_CONCURRENCY),
            // The first test holds messages on the wire for a moment: a send must not time out
            // meanwhile, or it would be retried.
            SMTP_TIMEOUT_MS: '15000',
            EMAIL_LEASE_MS: '20000',
          },
        });
        return { name, child, base: `http://127.0.0.1:${port}` };
      }),
    );
    await Promise.all(
      replicas.map((replica) =>
        waitUntil(async () => (await fetch(`${replica.base}/ready`).catch(() => null))?.ok, {
          timeoutMs: 30_000,
          intervalMs: 100,
          what: `${replica.name} to be ready`,
        }),
      ),
    );
    buyers = await Promise.all(Array.from({ length: 5 }, () => jobs.signUp()));
  });

  after(async () => {
    for (const { child } of replicas) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(events.map((queueEvents) => queueEvents.close().catch(() => {})));
    for (const connection of eventConnections) connection.disconnect();
    await sink?.stop();
    await jobs?.stop();
  });

  const placeOrders = (count: number) =>
    inParallel(
      Array.from({ length: count }, (_, i) => buyers[i % buyers.length]!),
      25,
      (buyer) => jobs.placeOrder(buyer),
    );

  it('sends exactly one email per order, the work shared by both', async (t) => {
    const before = await Promise.all(replicas.map(confirmationsCompleted));
    // Held until more messages are on the wire than one process has connections for: proof
    // that both processes took confirmation jobs, whatever the timing.
    sink.mode = { kind: 'hold' };
    const orders = await placeOrders(40);
    try {
      await waitUntil(() => sink.heldCount > SMTP_CONNECTIONS, {
        timeoutMs: 20_000,
        what: `more than ${SMTP_CONNECTIONS} emails on the wire at once`,
      });
    } finally {
      sink.mode = { kind: 'accept' };
      sink.releaseAll();
    }
    await sink.waitForAccepted(40, 30_000);
    await settle(2000);

    assert.equal(sink.accepted.length, 40);
    const messageIds = sink.accepted.map((mail) => mail.messageId);
    assert.equal(new Set(messageIds).size, 40, 'a Message-ID arrived twice');
    assert.deepEqual(
      [...messageIds].sort(),
      orders.map((order) => `<order-confirmation.${order.id}@supergraph.test>`).sort(),
    );
    const deliveries = await jobs.orders.emailDelivery.findMany({
      where: { orderId: { in: orders.map((order) => order.id) } },
      select: { orderId: true, status: true, attempts: true },
    });
    assert.equal(deliveries.length, 40);
    for (const delivery of deliveries) {
      assert.deepEqual(
        { status: delivery.status, attempts: delivery.attempts },
        { status: 'SENT', attempts: 1 },
        `delivery of order ${delivery.orderId}`,
      );
    }

    // A job completes just after its email is accepted; the counters catch up a moment later,
    // and a job run twice would show a moment after that.
    const completed = async () => {
      const now = await Promise.all(replicas.map(confirmationsCompleted));
      return now.map((value, i) => value - before[i]!);
    };
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    await waitUntil(async () => sum(await completed()) >= 40, {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: '40 confirmation jobs in the metrics',
    });
    await settle(1000);
    const done = await completed();
    t.diagnostic(`confirmation jobs completed: ${replicas.map((r, i) => `${r.name} ${done[i]}`)}`);
    assert.equal(sum(done), 40, 'a confirmation job ran to completion more than once');
    for (const [i, count] of done.entries()) {
      assert.ok(count >= 1, `${replicas[i]!.name} completed no confirmation job`);
    }
    // One job per order ever placed, all done: a second job for an order would wait here,
    // delayed behind the first one's claim, without sending anything.
    const counts = await jobs.queue(QUEUES.orderConfirmation).getJobCounts();
    assert.deepEqual(Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0)), {
      completed: await jobs.orders.order.count(),
    });
  });

  it('dispatches each outbox row once from two relays, and enqueues each job once', async (t) => {
    for (const { name, child } of replicas) assert.equal(child.exitCode, null, `${name} is down`);
    await placeOrders(200);

    // Each order writes two rows in the orders outbox; its task-fulfilment job then writes
    // one in the tasks outbox. The system is quiet once all of them are dispatched.
    const placed = await jobs.orders.order.count();
    const rows = async () => {
      const [result] = await jobs.orders.$queryRawUnsafe<
        Array<{ orders: number; tasks: number; pending: number }>
      >(
        `SELECT (SELECT count(*) FROM orders.outbox)::int AS orders,
                (SELECT count(*) FROM tasks.outbox)::int AS tasks,
                ((SELECT count(*) FROM orders.outbox WHERE dispatched_at IS NULL) +
                 (SELECT count(*) FROM tasks.outbox WHERE dispatched_at IS NULL))::int AS pending`,
      );
      return result!;
    };
    await waitUntil(
      async () => {
        const now = await rows();
        return now.orders === 2 * placed && now.tasks === placed && now.pending === 0;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `every outbox row of ${placed} orders` },
    );

    const byQueue = await jobs.orders.$queryRawUnsafe<Array<{ queue: QueueName; rows: number }>>(
      `SELECT queue, count(*)::int AS rows FROM (
         SELECT queue, action::text FROM orders.outbox
         UNION ALL SELECT queue, action::text FROM tasks.outbox) AS all_rows
       WHERE action = 'ADD' GROUP BY queue ORDER BY queue`,
    );
    const expected = Object.fromEntries(byQueue.map(({ queue, rows }) => [queue, rows]));
    const total = byQueue.reduce((sum, { rows }) => sum + rows, 0);
    assert.equal(total, 3 * placed);
    await waitUntil(() => [...added.values()].reduce((a, b) => a + b, 0) >= total, {
      timeoutMs: 10_000,
      what: `${total} added events`,
    });
    // A second add of a row would come after the first: time for it to show.
    await settle(1000);
    assert.deepEqual(duplicated, [], 'a job was added again under an existing id');

    const jobsByQueue: Record<string, number> = {};
    for (const queue of QUEUE_NAMES) {
      const counts = await jobs.queue(queue).getJobCounts();
      const inQueue = Object.values(counts).reduce((a, b) => a + b, 0);
      if (inQueue > 0 || expected[queue]) jobsByQueue[queue] = inQueue;
    }
    assert.deepEqual(jobsByQueue, expected);
    assert.deepEqual(Object.fromEntries(added), expected);

    // Every row was marked dispatched once: one audit line per row, none without a row.
    const [audit] = await jobs.orders.$queryRawUnsafe<
      Array<{ lines: number; rows: number; once: number }>
    >(
      `WITH all_rows AS (
         SELECT 'orders' AS outbox, id FROM orders.outbox
         UNION ALL SELECT 'tasks', id FROM tasks.outbox),
       per_row AS (
         SELECT r.id, (SELECT count(*) FROM public.dispatch_audit a
                       WHERE a.outbox = r.outbox AND a.row_id = r.id) AS marks
         FROM all_rows r)
       SELECT (SELECT count(*) FROM public.dispatch_audit)::int AS lines,
              (SELECT count(*) FROM all_rows)::int AS rows,
              (SELECT count(*) FROM per_row WHERE marks = 1)::int AS once`,
    );
    assert.deepEqual(audit, { lines: 3 * placed, rows: 3 * placed, once: 3 * placed });

    const split = await jobs.orders.$queryRawUnsafe<Array<{ replica: string; rows: number }>>(
      `SELECT replica, count(*)::int AS rows FROM public.dispatch_audit
       GROUP BY replica ORDER BY replica`,
    );
    // Which relay wins a batch depends on timing, so the split is reported, not asserted.
    t.diagnostic(`outbox rows dispatched: ${split.map((s) => `${s.replica} ${s.rows}`)}`);
    for (const { replica } of split) assert.match(replica, /^replica-[ab]$/);
  });
});
