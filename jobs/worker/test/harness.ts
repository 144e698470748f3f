/**
 * The whole system for job tests, on real Postgres, Redis, HTTP and SMTP: the subgraphs and
 * the router (from the router's harness), an SMTP sink, and job workers either in this
 * process or as real child processes that a test can kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import assert from 'node:assert/strict';
import { createLogger, type Logger } from '@supergraph/common';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createUsersClient } from '@supergraph/prisma/users';
import { QueueSet, producerConnection, closeConnection, type QueueName } from '@supergraph/queues';
import {
  SUBGRAPH_SECRET,
  seedProducts,
  startSystem,
  type System,
} from '@supergraph/router/testing';
import { postGraphQL, waitUntil, type GraphQLResponse } from '@supergraph/testing';
import { loadWorkerConfig } from '../src/config.ts';
import { createWorkerFromConfig, type Worker } from '../src/worker.ts';

export const LOCAL_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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

export type JobSystem = {
  system: System;
  productIds: string[];
  prefix: string;
  redisUrl: string;
  orders: ReturnType<typeof createOrdersClient>;
  tasks: ReturnType<typeof createTasksClient>;
  call<T>(auth: Auth | null, query: string, variables?: Record<string, unknown>): Promise<T>;
  signUp(name?: string): Promise<Auth>;
  staff(): Promise<Auth>;
  placeOrder(auth: Auth): Promise<{ id: string; totalCents: number }>;
  /** A worker in this process. */
  startWorker(options: { smtpUrl: string; redisUrl?: string; logger?: Logger }): Promise<Worker>;
  /** A worker as a child process, from its real entry point. */
  spawnWorker(options: {
    smtpUrl: string;
    redisUrl?: string;
    nodeArgs?: string[];
    env?: Record<string, string>;
  }): Promise<ChildProcess>;
  queue(name: QueueName): ReturnType<QueueSet['get']>;
  stop(): Promise<void>;
};

const WORKER_ENTRY = path.resolve(import.meta.dirname, '../src/index.ts');

export async function startJobSystem({
  redisUrl = LOCAL_REDIS,
  poolSize = 4,
  production = false,
} = {}): Promise<JobSystem> {
  const system = await startSystem({ poolSize, production });
  const productIds = await seedProducts(system);
  const prefix = `sgtest-${randomUUID().slice(0, 8)}`;
  const orders = createOrdersClient({ databaseUrl: system.databaseUrl, poolSize: 4 });
  const tasks = createTasksClient({ databaseUrl: system.databaseUrl, poolSize: 4 });
  const workers: Worker[] = [];
  const children: ChildProcess[] = [];
  const inspector = producerConnection(redisUrl);
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

  const env = (options: { smtpUrl: string; redisUrl?: string }) => ({
    ...FAST,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: system.databaseUrl,
    REDIS_URL: options.redisUrl ?? redisUrl,
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
    productIds,
    prefix,
    redisUrl,
    orders,
    tasks,
    call,
    signUp,
    async staff() {
      const auth = await signUp('Sam Staff');
      const users = createUsersClient({ databaseUrl: system.databaseUrl, poolSize: 1 });
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
      const args = [...(options.nodeArgs ?? []), '--import', 'tsx', WORKER_ENTRY];
      const child = spawn(process.execPath, args, {
        env: { ...process.env, ...env(options), ...options.env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
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

export async function confirmationEmail(jobs: JobSystem, auth: Auth, orderId: string) {
  const data = await jobs.call<{ order: { confirmationEmail: EmailState } }>(
    auth,
    `query ($id: ID!) { order(id: $id) { confirmationEmail { status attempts lastError sentAt } } }`,
    { id: orderId },
  );
  return data.order.confirmationEmail;
}

export function waitForEmailState(
  jobs: JobSystem,
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

/** Waits a little longer than any retry would take, to be sure nothing more arrives. */
export const settle = (ms = 1500) => new Promise((resolve) => setTimeout(resolve, ms));
