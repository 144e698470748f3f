/**
 * The jobs section of `npm run bench`: a job worker as its own process, with the relay, real
 * Redis and a real SMTP server on loopback.
 * - throughput: confirmation emails per second for a backlog committed at once;
 * - latency: from `placeOrder` returning to the SMTP server accepting the email, at a steady
 *   rate of orders through the router.
 */
import type { ChildProcess } from 'node:child_process';
import { createUsersClient } from '@supergraph/prisma/users';
import { SmtpSink, waitUntil } from '@supergraph/testing';
import { startJobSystem } from '../jobs/worker/test/harness.ts';

const BACKLOG = Number(process.env.BENCH_EMAILS ?? 5000);
const RATE = Number(process.env.BENCH_ORDER_RATE ?? 100);
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
const CUSTOMERS = 200;

export type JobsResult = {
  emails: number;
  emailsPerSecond: number;
  orders: number;
  ratePerSecond: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyMaxMs: number;
  lost: number;
};

const orderIdOf = (messageId: string | undefined) =>
  /order-confirmation\.([0-9a-f-]{36})@/.exec(messageId ?? '')?.[1] ?? null;

function percentile(sorted: number[], q: number): number {
  return Number(
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1),
  );
}

export async function benchJobs(): Promise<JobsResult> {
  const jobs = await startJobSystem();
  const sink = await SmtpSink.start();
  let worker: ChildProcess | null = null;
  try {
    const users = createUsersClient({ databaseUrl: jobs.system.databaseUrl, poolSize: 2 });
    const customers = await users.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "users"."users" (id, name, email, password_hash, role, updated_at)
      SELECT gen_random_uuid(), 'Customer ' || g, 'customer' || g || '@bench.test', 'x', 'CUSTOMER'::"users"."Role", now()
      FROM generate_series(1, ${CUSTOMERS}::int) g
      RETURNING id::text`;
    await users.$disconnect();

    worker = await jobs.spawnWorker({ smtpUrl: sink.url });
    // Warm-up: the worker is up and every connection is open before the clock starts.
    const buyer = await jobs.signUp('Bench Buyer');
    await jobs.placeOrder(buyer);
    await sink.waitForAccepted(1, 60_000);

    // Throughput: a backlog of orders, each with its email in the outbox, committed at once.
    const already = sink.accepted.length;
    const started = performance.now();
    await jobs.orders.$executeRaw`
      WITH o AS (
        INSERT INTO "orders"."orders" (id, customer_id, status, total_cents, currency, updated_at)
        SELECT gen_random_uuid(), (${customers.map((c) => c.id)}::uuid[])[1 + g % ${CUSTOMERS}::int],
               'PENDING'::"orders"."OrderStatus", 2500, 'USD', now()
        FROM generate_series(1, ${BACKLOG}::int) g
        RETURNING id
      ), i AS (
        INSERT INTO "orders"."order_items" (id, order_id, product_id, position, quantity, unit_price_cents)
        SELECT gen_random_uuid(), o.id, ${jobs.productIds[0]}::uuid, 0, 2, 1250 FROM o
      ), e AS (
        INSERT INTO "orders"."email_deliveries" (order_id, status, updated_at)
        SELECT o.id, 'QUEUED'::"orders"."EmailStatus", now() FROM o
      )
      INSERT INTO "orders"."outbox" (id, queue, job_name, job_id, payload)
      SELECT gen_random_uuid(), 'order-confirmation', 'send-confirmation',
             'confirmation.' || o.id, jsonb_build_object('orderId', o.id)
      FROM o`;
    await sink.waitForAccepted(already + BACKLOG, 600_000);
    const seconds = (performance.now() - started) / 1000;

    // Latency at a steady rate of orders placed through the router.
    const returned = new Map<string, number>();
    const accepted = new Map<string, number>();
    const stopListening = sink.onAccepted((mail) => {
      const id = orderIdOf(mail.parsed.messageId);
      if (id) accepted.set(id, mail.acceptedAt);
    });
    const total = RATE * RATE_SECONDS;
    const begin = Date.now();
    const placing: Array<Promise<void>> = [];
    for (let n = 0; n < total; n++) {
      const due = begin + (n * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      placing.push(
        jobs.placeOrder(buyer).then(({ id }) => {
          returned.set(id, Date.now());
        }),
      );
    }
    await Promise.all(placing);
    await waitUntil(() => [...returned.keys()].every((id) => accepted.has(id)), {
      timeoutMs: 60_000,
      what: 'every email of the steady run',
    }).catch(() => null);
    stopListening();
    const latencies = [...returned]
      .filter(([id]) => accepted.has(id))
      .map(([id, at]) => Math.max(0, accepted.get(id)! - at))
      .sort((a, b) => a - b);
    return {
      emails: BACKLOG,
      emailsPerSecond: Math.round(BACKLOG / seconds),
      orders: total,
      ratePerSecond: RATE,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP95Ms: percentile(latencies, 0.95),
      latencyMaxMs: percentile(latencies, 1),
      lost: total - latencies.length,
    };
  } finally {
    worker?.kill('SIGTERM');
    await sink.stop();
    await jobs.stop();
  }
}
