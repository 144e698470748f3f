/**
 * The whole system for job tests, on real Postgres, Redis, HTTP and SMTP: the subgraphs and
 * the router (from the router's harness, or as processes of their own), an SMTP sink, and job
 * workers either in this process or as real child processes that a test can kill.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import {
  SERVICES,
  databaseUrlVariable,
  isClusterTarget,
  loadDatabaseUrls,
  redisTargetEnv,
  type DatabaseUrls,
  type RedisTarget,
} from '@supergraph/config';
import { createLogger, type Logger } from '@supergraph/observability';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { seedDatabase } from '@supergraph/prisma/seed';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createUsersClient } from '@supergraph/prisma/users';
import { QueueSet, producerConnection, closeConnection, type QueueName } from '@supergraph/queues';
import {
  SUBGRAPH_SECRET,
  seedProducts,
  startSystem,
  type System,
} from '@supergraph/router/testing';
import {
  createTestDatabase,
  postGraphQL,
  testServerUrl,
  waitUntil,
  type GraphQLResponse,
} from '@supergraph/testing';
import { loadWorkerConfig } from '../src/config.ts';
import { createWorkerFromConfig, type Worker } from '../src/worker.ts';
import { spawnEntry, startServiceProcesses, type ServiceProcesses } from './service-processes.ts';

export const LOCAL_REDIS: RedisTarget = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Retry timings short enough for tests; production keeps the documented defaults. */
export const FAST = {
  EMAIL_ATTEMPTS: '8',
  EMAIL_BACKOFF_MS: '100',
  EMAIL_LEASE_MS: '3000',
  SMTP_TIMEOUT_MS: '2000',
  JOB_LOCK_MS: '2000',
  JOB_STALLED_INTERVAL_MS: '1000',
  OUTBOX_POLL_MS: '200',
};

export type Auth = { token: string; user: { id: string; email: string } };

/** The router and subgraphs under the jobs, in this process or as processes of their own. */
export type Services = Pick<System, 'url' | 'subgraphUrls' | 'stop'>;

export type JobSystem<S extends Services = System> = {
  system: S;
  /** Each service's database, as the worker is configured to find it. */
  databaseUrls: DatabaseUrls;
  productIds: string[];
  prefix: string;
  /** The Redis the queues are on, one server or a cluster. */
  redis: RedisTarget;
  orders: ReturnType<typeof createOrdersClient>;
  tasks: ReturnType<typeof createTasksClient>;
  call<T>(auth: Auth | null, query: string, variables?: Record<string, unknown>): Promise<T>;
  signUp(name?: string): Promise<Auth>;
  staff(): Promise<Auth>;
  placeOrder(auth: Auth): Promise<{ id: string; totalCents: number }>;
  /** A worker in this process. */
  startWorker(options: { smtpUrl: string; redis?: RedisTarget; logger?: Logger }): Promise<Worker>;
  /** A worker as a child process, from its real entry point. */
  spawnWorker(options: {
    smtpUrl: string;
    redis?: RedisTarget;
    nodeArgs?: string[];
    env?: Record<string, string>;
  }): Promise<ChildProcess>;
  queue(name: QueueName): ReturnType<QueueSet['get']>;
  stop(): Promise<void>;
};

const WORKER_ENTRY = 'jobs/worker/src/index.ts';

/**
 * The system in one process over one database, every service in its own schema there. The
 * queues are on `redis`; the router's and the subgraphs' counters and caches on
 * `servicesRedis`, the local Redis unless given, so that a test can take the queues' Redis
 * away alone.
 */
export async function startJobSystem({
  redis = LOCAL_REDIS,
  servicesRedis = LOCAL_REDIS,
  poolSize = 4,
  production = false,
} = {}): Promise<JobSystem> {
  const system = await startSystem({ poolSize, production, redis: servicesRedis });
  return startJobs(system, {
    redis,
    // No service has its own: every one falls back to DATABASE_URL, which a test may change.
    databaseEnv: { DATABASE_URL: system.databaseUrl },
    seed: () => seedProducts(system),
  });
}

/**
 * Every service on a database of its own, migrated with that service alone, as if each had
 * its own Postgres server; the subgraphs and the router as processes of their own, configured
 * by env alone. DATABASE_URL names a database that does not exist, so anything that falls
 * back to it fails. The data is the dev seed's, seeded into each service's own database.
 */
export async function startSeparateDatabasesJobSystem({ redis = LOCAL_REDIS } = {}): Promise<
  JobSystem<Services>
> {
  const databases = await Promise.all(
    SERVICES.map((service) => createTestDatabase({ services: [service] })),
  );
  const nowhere = testServerUrl();
  nowhere.pathname = `/sg_no_shared_database_${randomUUID().slice(0, 8)}`;
  const databaseEnv = {
    DATABASE_URL: nowhere.toString(),
    ...Object.fromEntries(
      SERVICES.map((service, i) => [databaseUrlVariable(service), databases[i]!.url]),
    ),
  };
  let processes: ServiceProcesses | undefined;
  const stop = async () => {
    await processes?.stop();
    await Promise.all(databases.map((database) => database.drop()));
  };
  try {
    await seedDatabase(loadDatabaseUrls(SERVICES, databaseEnv));
    processes = await startServiceProcesses({ ...databaseEnv, ...redisTargetEnv(redis) });
    return await startJobs(
      { ...processes, stop },
      {
        redis,
        databaseEnv,
        seed: async (orders) => {
          const products = await orders.product.findMany({ orderBy: { sku: 'asc' }, take: 2 });
          return products.map((product) => product.id);
        },
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startJobs<S extends Services>(
  system: S,
  options: {
    redis: RedisTarget;
    /** The database variables every worker is given. */
    databaseEnv: Record<string, string>;
    /** Seeds the catalogue, or finds it seeded; returns the ids of products to order. */
    seed: (orders: ReturnType<typeof createOrdersClient>) => Promise<string[]>;
  },
): Promise<JobSystem<S>> {
  const { redis } = options;
  // Set, or set empty so that they fall back to DATABASE_URL: the variables of the shell that
  // runs the tests must not reach a worker.
  const databaseEnv = {
    ...Object.fromEntries(SERVICES.map((service) => [databaseUrlVariable(service), ''])),
    ...options.databaseEnv,
  };
  const databaseUrls = loadDatabaseUrls(SERVICES, databaseEnv);
  // On a cluster, a hash tag: each queue's keys must share a slot.
  const name = `sgtest-${randomUUID().slice(0, 8)}`;
  const prefix = isClusterTarget(redis) ? `{${name}}` : name;
  const orders = createOrdersClient({ databaseUrl: databaseUrls.orders, poolSize: 4 });
  const tasks = createTasksClient({ databaseUrl: databaseUrls.tasks, poolSize: 4 });
  const productIds = await options.seed(orders);
  const workers: Worker[] = [];
  const children: ChildProcess[] = [];
  const inspector = producerConnection(redis);
  inspector.on('error', () => {});
  const queues = new QueueSet(inspector, prefix);
  let counter = 0;

  const call = async <T>(auth: Auth | null, query: string, variables?: Record<string, unknown>) => {
    const res: GraphQLResponse<T> = await postGraphQL<T>(system.url, query, {
      variables,
      headers: auth ? { authorization: `Bearer ${auth.token}` } : {},
    });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    return res.data as T;
  };

  const signUp = async (name = 'Ada Lovelace') => {
    counter += 1;
    const email = `buyer${counter}.${prefix}@example.com`;
    const data = await call<{ signUp: Auth }>(
      null,
      `mutation ($input: SignUpInput!) { signUp(input: $input) { token user { id email } } }`,
      { input: { name, email, password: 'a long enough password' } },
    );
    return data.signUp;
  };

  const env = (options: { smtpUrl: string; redis?: RedisTarget }) => ({
    ...FAST,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...databaseEnv,
    ...redisTargetEnv(options.redis ?? redis),
    QUEUE_PREFIX: prefix,
    SMTP_URL: options.smtpUrl,
    MAIL_FROM: 'Supergraph Shop <shop@supergraph.test>',
    USERS_URL: system.subgraphUrls.users,
    SUBGRAPH_SECRET,
    // Any free port, so that workers running side by side (and one in dev) never collide;
    // a test that calls the ops server passes its own.
    WORKER_PORT: '0',
  });

  return {
    system,
    databaseUrls,
    productIds,
    prefix,
    redis,
    orders,
    tasks,
    call,
    signUp,
    async staff() {
      const auth = await signUp('Sam Staff');
      const users = createUsersClient({ databaseUrl: databaseUrls.users, poolSize: 1 });
      await users.user.update({ where: { id: auth.user.id }, data: { role: 'STAFF' } });
      await users.$disconnect();
      const data = await call<{ logIn: Auth }>(
        null,
        `mutation ($email: String!, $password: String!) {
          logIn(email: $email, password: $password) { token user { id email } } }`,
        { email: auth.user.email, password: 'a long enough password' },
      );
      return data.logIn;
    },
    async placeOrder(auth) {
      const data = await call<{ placeOrder: { id: string; totalCents: number } }>(
        auth,
        `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id totalCents } }`,
        {
          input: {
            items: [
              { productId: productIds[0], quantity: 2 },
              { productId: productIds[1], quantity: 1 },
            ],
          },
        },
      );
      return data.placeOrder;
    },
    async startWorker(options) {
      const config = loadWorkerConfig(env(options));
      const logger = options.logger ?? createLogger('worker-test', 'silent');
      const worker = createWorkerFromConfig(config, { orders, tasks, logger });
      await worker.start();
      workers.push(worker);
      return worker;
    },
    async spawnWorker(options) {
      const child = spawnEntry(WORKER_ENTRY, { ...env(options), ...options.env }, options.nodeArgs);
      children.push(child);
      return child;
    },
    queue: (name) => queues.get(name),
    async stop() {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      for (const worker of workers) await worker.stop().catch(() => {});
      await Promise.all(
        queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => {})),
      );
      await queues.close();
      await closeConnection(inspector);
      await Promise.all([orders.$disconnect(), tasks.$disconnect()]);
      await system.stop();
    },
  };
}

export type EmailState = {
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
};

export async function confirmationEmail(jobs: JobSystem<Services>, auth: Auth, orderId: string) {
  const data = await jobs.call<{ order: { confirmationEmail: EmailState } }>(
    auth,
    `query ($id: ID!) { order(id: $id) { confirmationEmail { status attempts lastError sentAt } } }`,
    { id: orderId },
  );
  return data.order.confirmationEmail;
}

export function waitForEmailState(
  jobs: JobSystem<Services>,
  auth: Auth,
  orderId: string,
  accept: (state: EmailState) => boolean,
  timeoutMs = 15_000,
): Promise<EmailState> {
  return waitUntil(
    async () => {
      const state = await confirmationEmail(jobs, auth, orderId);
      return accept(state) ? state : null;
    },
    { timeoutMs, intervalMs: 100, what: `email state of order ${orderId}` },
  );
}

export type OrderView = {
  status: string;
  tasks: Array<{ id: string; title: string; status: string }>;
};

/** Waits until an order, as `auth` sees it through the router, passes `accept`. */
export function waitForOrder(
  jobs: JobSystem<Services>,
  auth: Auth,
  id: string,
  accept: (order: OrderView) => boolean,
): Promise<OrderView> {
  return waitUntil(
    async () => {
      const { order } = await jobs.call<{ order: OrderView }>(
        auth,
        `query ($id: ID!) { order(id: $id) { status tasks { id title status } } }`,
        { id },
      );
      return accept(order) ? order : null;
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `order ${id}` },
  );
}

/** Places an order for `buyer`, and waits until it is confirmed with its one fulfilment task. */
export async function placeConfirmedOrder(
  jobs: JobSystem<Services>,
  buyer: Auth,
): Promise<{ id: string; task: OrderView['tasks'][number] }> {
  const { id } = await jobs.placeOrder(buyer);
  const order = await waitForOrder(
    jobs,
    buyer,
    id,
    (o) => o.status === 'CONFIRMED' && o.tasks.length > 0,
  );
  assert.equal(order.tasks.length, 1);
  return { id, task: order.tasks[0]! };
}

/** Waits a little longer than any retry would take, to be sure nothing more arrives. */
export const settle = (ms = 1500) => new Promise((resolve) => setTimeout(resolve, ms));
