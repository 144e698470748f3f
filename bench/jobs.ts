/**
 * The jobs section of `npm run bench`: every service and the job worker as its own process,
 * in production mode, with real Postgres, Redis and an SMTP server on loopback.
 * - throughput: confirmation emails per second for a backlog committed at once;
 * - latency: from `placeOrder` returning to the SMTP server accepting the email, at a steady
 *   rate of orders through the router.
 */
import { randomUUID } from 'node:crypto';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createUsersClient } from '@supergraph/prisma/users';
import { SmtpSink, createTestDatabase, postGraphQL, waitUntil } from '@supergraph/testing';
import { startProcesses } from './processes.ts';

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
  placeErrors: number;
  lost: number;
};

const orderIdOf = (messageId: string | undefined) =>
  /order-confirmation\.([0-9a-f-]{36})@/.exec(messageId ?? '')?.[1] ?? null;

function percentile(sorted: number[], q: number): number {
  return Number(
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1),
  );
}

async function call<T>(url: string, query: string, variables: object, token?: string) {
  const res = await postGraphQL<T>(url, query, {
    variables: variables as Record<string, unknown>,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors).slice(0, 300));
  return res.data;
}

export async function benchJobs(): Promise<JobsResult> {
  const database = await createTestDatabase();
  const orders = createOrdersClient({ databaseUrl: database.url, poolSize: 2 });
  const users = createUsersClient({ databaseUrl: database.url, poolSize: 2 });
  const sink = await SmtpSink.start(0, { parse: false });
  const system = await startProcesses(database.url);
  try {
    const product = await orders.product.create({
      data: { sku: 'BENCH-MUG', name: 'Mug', priceCents: 1250, currency: 'USD' },
    });
    const customers = await users.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "users"."users" (id, name, email, password_hash, role, updated_at)
      SELECT gen_random_uuid(), 'Customer ' || g, 'customer' || g || '@bench.test', 'x',
             'CUSTOMER'::"users"."Role", now()
      FROM generate_series(1, ${CUSTOMERS}::int) g
      RETURNING id::text`;
    const { signUp } = await call<{ signUp: { token: string } }>(
      system.url,
      'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }',
      { input: { name: 'Bench Buyer', email: 'buyer@bench.test', password: 'bench password' } },
    );
    const placeOrder = () =>
      call<{ placeOrder: { id: string } }>(
        system.url,
        'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
        { input: { items: [{ productId: product.id, quantity: 2 }] } },
        signUp.token,
      ).then((data) => data.placeOrder.id);

    system.spawn('jobs/worker/src/index.ts', {
      QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
      SMTP_URL: sink.url,
      MAIL_FROM: 'Supergraph Shop <shop@bench.test>',
    });
    // Warm-up: the worker is up and every connection is open before the clock starts.
    await placeOrder();
    await sink.waitForAccepted(1, 60_000);

    // Throughput: a backlog of orders, each with its email in the outbox, committed at once.
    const already = sink.accepted.length;
    const started = performance.now();
    await orders.$executeRaw`
      WITH o AS (
        INSERT INTO "orders"."orders" (id, customer_id, status, total_cents, currency, updated_at)
        SELECT gen_random_uuid(), (${customers.map((c) => c.id)}::uuid[])[1 + g % ${CUSTOMERS}::int],
               'PENDING'::"orders"."OrderStatus", 2500, 'USD', now()
        FROM generate_series(1, ${BACKLOG}::int) g
        RETURNING id
      ), i AS (
        INSERT INTO "orders"."order_items" (id, order_id, product_id, position, quantity, unit_price_cents)
        SELECT gen_random_uuid(), o.id, ${product.id}::uuid, 0, 2, 1250 FROM o
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
    const emailsPerSecond = Math.round(BACKLOG / seconds);
    console.log(`jobs: ${BACKLOG} emails in ${seconds.toFixed(1)} s: ${emailsPerSecond} emails/s`);

    // Latency at a steady, open-loop rate of orders placed through the router.
    const returned = new Map<string, number>();
    const accepted = new Map<string, number>();
    const stopListening = sink.onAccepted((mail) => {
      const id = orderIdOf(mail.messageId);
      if (id) accepted.set(id, mail.acceptedAt);
    });
    const total = RATE * RATE_SECONDS;
    const begin = Date.now();
    const placing: Array<Promise<void>> = [];
    let placeErrors = 0;
    for (let n = 0; n < total; n++) {
      const wait = begin + (n * 1000) / RATE - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      placing.push(
        placeOrder().then(
          (id) => {
            returned.set(id, Date.now());
          },
          (error: unknown) => {
            placeErrors += 1;
            if (placeErrors === 1) console.log(`jobs: first placeOrder error: ${String(error)}`);
          },
        ),
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
      emailsPerSecond,
      orders: total,
      ratePerSecond: RATE,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP95Ms: percentile(latencies, 0.95),
      latencyMaxMs: percentile(latencies, 1),
      placeErrors,
      lost: returned.size - latencies.length,
    };
  } finally {
    await system.stop();
    await sink.stop();
    await Promise.all([orders.$disconnect(), users.$disconnect()]);
    await database.drop();
  }
}
