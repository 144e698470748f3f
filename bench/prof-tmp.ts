import { SmtpSink } from '@supergraph/testing';
import { createUsersClient } from '@supergraph/prisma/users';
import { startJobSystem } from '../jobs/worker/test/harness.ts';
const N = Number(process.env.N ?? 3000);
const jobs = await startJobSystem({ poolSize: 10, production: true });
const sink = await SmtpSink.start(0, { parse: false });
const users = createUsersClient({ databaseUrl: jobs.system.databaseUrl, poolSize: 2 });
const customers = await users.$queryRaw<Array<{ id: string }>>`
  INSERT INTO "users"."users" (id, name, email, password_hash, role, updated_at)
  SELECT gen_random_uuid(), 'Customer ' || g, 'customer' || g || '@bench.test', 'x', 'CUSTOMER'::"users"."Role", now()
  FROM generate_series(1, 200) g RETURNING id::text`;
const extra = await Promise.all(
  Array.from({ length: Number(process.env.WORKERS ?? 1) - 1 }, () =>
    jobs.spawnWorker({
      smtpUrl: sink.url,
      env: { LOG_LEVEL: 'warn', EMAIL_CONCURRENCY: process.env.CONC ?? '32' },
    }),
  ),
);
const worker = await jobs.spawnWorker({
  smtpUrl: sink.url,
  nodeArgs: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [],
  env: { LOG_LEVEL: 'warn', EMAIL_CONCURRENCY: process.env.CONC ?? '32' },
});
const buyer = await jobs.signUp('B');
await jobs.placeOrder(buyer);
await sink.waitForAccepted(1, 60000);
const t0 = performance.now();
await jobs.orders.$executeRaw`
  WITH o AS (
    INSERT INTO "orders"."orders" (id, customer_id, status, total_cents, currency, updated_at)
    SELECT gen_random_uuid(), (${customers.map((c) => c.id)}::uuid[])[1 + g % 200], 'PENDING'::"orders"."OrderStatus", 2500, 'USD', now()
    FROM generate_series(1, ${N}::int) g RETURNING id
  ), i AS (
    INSERT INTO "orders"."order_items" (id, order_id, product_id, position, quantity, unit_price_cents)
    SELECT gen_random_uuid(), o.id, ${jobs.productIds[0]}::uuid, 0, 2, 1250 FROM o
  ), e AS (
    INSERT INTO "orders"."email_deliveries" (order_id, status, updated_at) SELECT o.id, 'QUEUED'::"orders"."EmailStatus", now() FROM o
  )
  INSERT INTO "orders"."outbox" (id, queue, job_name, job_id, payload)
  SELECT gen_random_uuid(), 'order-confirmation', 'send-confirmation', 'confirmation.' || o.id, jsonb_build_object('orderId', o.id) FROM o`;
const t1 = performance.now();
let last = 0;
const timer = setInterval(() => {
  const n = sink.accepted.length;
  console.log(`+${((performance.now() - t0) / 1000).toFixed(1)}s accepted ${n} (${n - last}/s)`);
  last = n;
}, 1000);
await sink.waitForAccepted(N + 1, 600000);
clearInterval(timer);
console.log(
  `insert ${(t1 - t0).toFixed(0)} ms; ${N} emails in ${((performance.now() - t0) / 1000).toFixed(1)} s = ${(N / ((performance.now() - t0) / 1000)).toFixed(0)}/s`,
);
worker.kill('SIGTERM');
extra.forEach((w) => w.kill('SIGTERM'));
await new Promise((r) => worker.once('exit', r));
await users.$disconnect();
await sink.stop();
await jobs.stop();
