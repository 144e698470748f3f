/**
 * The dashboard over real HTTP and a real Redis, each test under its own queue prefix so that
 * no test sees another's jobs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createTcpServer, type Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import {
  launchBrowser,
  metricSample,
  pageProblems,
  PrivateRedis,
  PrivateRedisCluster,
  screenshot,
} from '@supergraph/testing';
import { issueToken, tokenKey, type Role } from '@supergraph/auth';
import { ConfigError, redisTargetEnv, type RedisTarget } from '@supergraph/config';
import { closeServer, listen } from '@supergraph/lifecycle';
import { createLogger } from '@supergraph/observability';
import {
  QUEUE_NAMES,
  QUEUES,
  QueueSet,
  closeConnection,
  producerConnection,
} from '@supergraph/queues';
import type { BasicCredentials } from '../src/auth.ts';
import { loadDashboardConfig } from '../src/config.ts';
import { redisReady } from '../src/redis-ready.ts';
import { createServer } from '../src/server.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JWT_SECRET = 'dashboard-test-secret-dashboard-test-secret-0123';
const OPERATOR: BasicCredentials = { user: 'operator', password: 'correct horse battery' };
const ENTRY = path.resolve(import.meta.dirname, '../src/index.ts');

type Dashboard = {
  url: string;
  prefix: string;
  queues: QueueSet;
  stop(): Promise<void>;
};

const running: Dashboard[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((dashboard) => dashboard.stop()));
});

async function startDashboard(options: {
  production: boolean;
  basic?: BasicCredentials | null;
  ready?: () => Promise<Record<string, string>>;
  redisUrl?: string;
}): Promise<Dashboard> {
  const connection = producerConnection(options.redisUrl ?? REDIS_URL);
  connection.on('error', () => {});
  // The producer connection refuses commands until it is connected; wait, so that the first
  // request does not race the handshake.
  if (connection.status !== 'ready') await once(connection, 'ready');
  const prefix = `sgtest-${randomUUID().slice(0, 8)}`;
  const queues = new QueueSet(connection, prefix);
  const { http } = await createServer({
    queues,
    production: options.production,
    auth: { basic: options.basic ?? null, jwtSecret: JWT_SECRET },
    logger: createLogger('dashboard-test', 'silent'),
    ready: options.ready ?? redisReady(connection),
  });
  const port = await listen(http, 0, '127.0.0.1');
  const dashboard: Dashboard = {
    url: `http://127.0.0.1:${port}`,
    prefix,
    queues,
    async stop() {
      await closeServer(http, 100);
      for (const queue of queues.all()) await queue.obliterate({ force: true });
      await queues.close();
      await closeConnection(connection);
    },
  };
  running.push(dashboard);
  return dashboard;
}

const basicHeader = ({ user, password }: BasicCredentials) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function bearer(role: Role, secret = JWT_SECRET): Promise<string> {
  const token = await issueToken(tokenKey(secret), { id: randomUUID(), role }, 60);
  return `Bearer ${token}`;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function get(url: string, authorization?: string) {
  return fetch(url, { headers: authorization ? { authorization } : {}, redirect: 'manual' });
}

type QueueSummary = { name: string; counts: Record<string, number> };

async function listQueues(dashboard: Dashboard, authorization?: string): Promise<QueueSummary[]> {
  const res = await get(`${dashboard.url}/queues/api/queues`, authorization);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { queues: QueueSummary[] }).queues;
}

async function assertRefused(res: Response, status: 401 | 403) {
  assert.equal(res.status, status);
  assert.deepEqual(Object.keys(((await res.json()) as { error: object }).error).sort(), [
    'code',
    'message',
  ]);
}

describe('job dashboard in development', () => {
  it('serves the board, and every asset it links from node_modules', async () => {
    const dashboard = await startDashboard({ production: false });
    const res = await get(`${dashboard.url}/queues`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    assert.match(html, /<base href="\/queues\/"/);
    const assets = [...html.matchAll(/(?:src|href)="(static\/[^"]+)"/g)].map((m) => m[1]);
    // The board's scripts, stylesheet and icons: nothing the page needs to run comes from a CDN.
    assert.ok(
      assets.some((asset) => asset?.endsWith('.js')),
      html,
    );
    assert.ok(
      assets.some((asset) => asset?.endsWith('.css')),
      html,
    );
    for (const asset of assets) {
      const served = await get(`${dashboard.url}/queues/${asset}`);
      assert.equal(served.status, 200, asset);
      assert.ok((await served.arrayBuffer()).byteLength > 0, asset);
    }
  });

  it("lists the system's four queues under the configured prefix, with their jobs", async () => {
    const dashboard = await startDashboard({ production: false });
    await dashboard.queues
      .get(QUEUES.orderConfirmation)
      .add('send-confirmation', { orderId: randomUUID() });
    const queues = await listQueues(dashboard);
    assert.deepEqual(queues.map((q) => q.name).sort(), [...QUEUE_NAMES].sort());
    const confirmation = queues.find((q) => q.name === QUEUES.orderConfirmation);
    assert.equal(confirmation?.counts.waiting, 1);
  });

  it('renders its queues, and a queue with its waiting job, in a browser', async (t) => {
    const browser = await launchBrowser();
    if ('skip' in browser) return t.skip(browser.skip);
    try {
      const dashboard = await startDashboard({ production: false });
      await dashboard.queues
        .get(QUEUES.orderConfirmation)
        .add('send-confirmation', { orderId: randomUUID() });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const problems = pageProblems(page);
      await page.goto(`${dashboard.url}/queues`);
      for (const name of QUEUE_NAMES) {
        await page
          .getByRole('link', { name: new RegExp(name) })
          .first()
          .waitFor();
      }
      await screenshot(page, 'dashboard');
      await page
        .getByRole('link', { name: new RegExp(QUEUES.orderConfirmation) })
        .first()
        .click();
      await page.getByText('send-confirmation').first().waitFor();
      await screenshot(page, 'dashboard-queue');
      // bull-board's page asks Google Fonts for its typeface; offline it falls back to the
      // system's fonts, and every one of its own assets must load.
      const own = problems.filter(
        (problem) =>
          !problem.includes('https://fonts.googleapis.com/') &&
          !problem.endsWith('Failed to load resource: net::ERR_NAME_NOT_RESOLVED'),
      );
      assert.deepEqual(own, [], 'the board loads without errors or failed requests');
    } finally {
      await browser.close();
    }
  });

  it('redirects / to the board, answers 404 in JSON elsewhere, and refuses to be framed', async () => {
    const dashboard = await startDashboard({ production: false });
    const root = await get(`${dashboard.url}/`);
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/queues');
    const missing = await get(`${dashboard.url}/nowhere`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    const board = await get(`${dashboard.url}/queues`);
    assert.equal(board.headers.get('content-security-policy'), "frame-ancestors 'none'");
    assert.equal(board.headers.get('x-frame-options'), 'DENY');
  });
});

describe('job dashboard in production', () => {
  it('asks for credentials when none are given, for the board, its API and its assets', async () => {
    const dashboard = await startDashboard({ production: true, basic: OPERATOR });
    // Paths in another letter case must not slip past the auth, whichever way routing matches them.
    for (const route of [
      '/queues',
      '/queues/api/queues',
      '/QUEUES/api/queues',
      '/queues/static/images/logo.svg',
    ]) {
      const res = await get(`${dashboard.url}${route}`);
      assert.equal(res.status, 401, route);
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Job dashboard"', route);
      assert.deepEqual(await res.json(), {
        error: { code: 'UNAUTHENTICATED', message: 'Sign in to open the job dashboard.' },
      });
    }
  });

  it('refuses a wrong password, a wrong user name and malformed headers', async () => {
    const dashboard = await startDashboard({ production: true, basic: OPERATOR });
    const wrong = [
      basicHeader({ ...OPERATOR, password: 'correct horse battery!' }),
      basicHeader({ ...OPERATOR, user: 'Operator' }),
      basicHeader({ user: '', password: '' }),
      `Basic ${Buffer.from(OPERATOR.user + OPERATOR.password).toString('base64')}`,
      'Basic',
      `Digest ${Buffer.from(`${OPERATOR.user}:${OPERATOR.password}`).toString('base64')}`,
    ];
    for (const authorization of wrong) {
      const res = await get(`${dashboard.url}/queues/api/queues`, authorization);
      assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Job dashboard"');
      await assertRefused(res, 401);
    }
  });

  it('opens with the right basic credentials, whatever the case of the scheme', async () => {
    const dashboard = await startDashboard({ production: true, basic: OPERATOR });
    const board = await get(`${dashboard.url}/queues`, basicHeader(OPERATOR));
    assert.equal(board.status, 200);
    assert.match(await board.text(), /<title>Supergraph jobs<\/title>/);
    const lower = basicHeader(OPERATOR).replace('Basic', 'basic');
    assert.equal((await listQueues(dashboard, lower)).length, QUEUE_NAMES.length);
  });

  it('keeps a password that contains colons whole', async () => {
    const operator = { user: 'ops', password: 'pa:ss:word:12' };
    const dashboard = await startDashboard({ production: true, basic: operator });
    assert.equal((await get(`${dashboard.url}/queues`, basicHeader(operator))).status, 200);
    const truncated = await get(
      `${dashboard.url}/queues`,
      basicHeader({ ...operator, password: 'pa' }),
    );
    await assertRefused(truncated, 401);
  });

  it('forbids customer and staff tokens, and opens for an ADMIN token', async () => {
    const dashboard = await startDashboard({ production: true, basic: OPERATOR });
    for (const role of ['CUSTOMER', 'STAFF'] as const) {
      const res = await get(`${dashboard.url}/queues/api/queues`, await bearer(role));
      assert.equal(res.headers.get('www-authenticate'), null, role);
      assert.equal(res.status, 403, role);
      assert.deepEqual(await res.json(), {
        error: { code: 'FORBIDDEN', message: 'Only administrators can open the job dashboard.' },
      });
    }
    assert.equal((await get(`${dashboard.url}/queues`, await bearer('ADMIN'))).status, 200);
    assert.equal((await listQueues(dashboard, await bearer('ADMIN'))).length, QUEUE_NAMES.length);
  });

  it('refuses an ADMIN token signed with another secret, and tokens when no pair is set', async () => {
    const dashboard = await startDashboard({ production: true, basic: null });
    const forged = await bearer('ADMIN', 'another-secret-another-secret-another-0123');
    await assertRefused(await get(`${dashboard.url}/queues`, forged), 401);
    await assertRefused(await get(`${dashboard.url}/queues`, basicHeader(OPERATOR)), 401);
    assert.equal((await get(`${dashboard.url}/queues`, await bearer('ADMIN'))).status, 200);
  });

  it('lets an admin act on jobs, and nobody else', async () => {
    const dashboard = await startDashboard({ production: true, basic: OPERATOR });
    const queue = dashboard.queues.get(QUEUES.taskReminders);
    await queue.add('send-reminder', { taskId: randomUUID(), dueAt: new Date().toISOString() });
    const empty = (authorization?: string) =>
      fetch(`${dashboard.url}/queues/api/queues/${QUEUES.taskReminders}/empty`, {
        method: 'PUT',
        headers: authorization ? { authorization } : {},
      });
    await assertRefused(await empty(), 401);
    await assertRefused(await empty(await bearer('STAFF')), 403);
    assert.equal(await queue.count(), 1);
    assert.equal((await empty(await bearer('ADMIN'))).status, 200);
    assert.equal(await queue.count(), 0);
  });

  it('answers /health, /ready and /metrics without credentials', async () => {
    const dashboard = await startDashboard({ production: true, basic: OPERATOR });
    const health = await get(`${dashboard.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await get(`${dashboard.url}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready' });
    await get(`${dashboard.url}/queues`);
    const metrics = await get(`${dashboard.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await metrics.text(), /http_request_duration_seconds_count\{[^}]*status="401"/);
  });
});

async function scrape(dashboard: Dashboard): Promise<string> {
  const res = await get(`${dashboard.url}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

const DEPTH_STATES = [
  'waiting',
  'prioritized',
  'delayed',
  'active',
  'waiting-children',
  'failed',
  'completed',
];

describe('job dashboard queue depth', () => {
  it('counts every queue in every state at scrape time', async () => {
    const dashboard = await startDashboard({ production: true, basic: OPERATOR });
    const confirmation = dashboard.queues.get(QUEUES.orderConfirmation);
    await confirmation.add('send-confirmation', { orderId: randomUUID() });
    await confirmation.add('send-confirmation', { orderId: randomUUID() });
    await dashboard.queues
      .get(QUEUES.taskReminders)
      .add(
        'send-reminder',
        { taskId: randomUUID(), dueAt: new Date().toISOString() },
        { delay: 60_000 },
      );
    const text = await scrape(dashboard);
    for (const queue of QUEUE_NAMES) {
      for (const state of DEPTH_STATES) {
        assert.notEqual(
          metricSample(text, 'jobs_queue_depth', { queue, state }),
          undefined,
          `${queue} ${state}`,
        );
      }
    }
    const depth = (queue: string, state: string) =>
      metricSample(text, 'jobs_queue_depth', { queue, state, service: 'dashboard' });
    assert.equal(depth(QUEUES.orderConfirmation, 'waiting'), 2);
    assert.equal(depth(QUEUES.taskReminders, 'delayed'), 1);
    assert.equal(depth(QUEUES.taskFulfilment, 'waiting'), 0);
    await confirmation.add('send-confirmation', { orderId: randomUUID() });
    assert.equal(
      metricSample(await scrape(dashboard), 'jobs_queue_depth', {
        queue: QUEUES.orderConfirmation,
        state: 'waiting',
      }),
      3,
    );
  });

  it('keeps serving /metrics, with the last counts, while Redis is down', async () => {
    const redis = await PrivateRedis.start();
    try {
      const dashboard = await startDashboard({ production: false, redisUrl: redis.url });
      await dashboard.queues
        .get(QUEUES.orderConfirmation)
        .add('send-confirmation', { orderId: randomUUID() });
      const waiting = { queue: QUEUES.orderConfirmation, state: 'waiting' };
      assert.equal(metricSample(await scrape(dashboard), 'jobs_queue_depth', waiting), 1);
      await redis.down();
      const started = Date.now();
      const text = await scrape(dashboard);
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
      assert.equal(metricSample(text, 'jobs_queue_depth', waiting), 1);
      assert.match(text, /^process_cpu_user_seconds_total/m);
      await redis.up();
      // The dashboard's stop obliterates the queues, which needs Redis back.
      const confirmation = dashboard.queues.get(QUEUES.orderConfirmation);
      await waitFor(async () => (await confirmation.count().catch(() => -1)) === 1, 10_000);
    } finally {
      await Promise.all(running.splice(0).map((dashboard) => dashboard.stop()));
      await redis.stop();
    }
  });

  it('answers /metrics promptly from a Redis that accepts connections but never replies', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    );
    const connection = producerConnection(`redis://127.0.0.1:${port}`, {
      enableOfflineQueue: true,
    });
    connection.on('error', () => {});
    const queues = new QueueSet(connection, `sgtest-${randomUUID().slice(0, 8)}`);
    const { http } = await createServer({
      queues,
      production: false,
      auth: { basic: null, jwtSecret: JWT_SECRET },
      logger: createLogger('dashboard-test', 'silent'),
      ready: async () => ({}),
    });
    const url = `http://127.0.0.1:${await listen(http, 0, '127.0.0.1')}`;
    try {
      await waitFor(() => sockets.size > 0);
      for (let scrapes = 0; scrapes < 3; scrapes++) {
        const started = Date.now();
        const res = await get(`${url}/metrics`);
        assert.equal(res.status, 200);
        const text = await res.text();
        assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
        assert.match(text, /^process_cpu_user_seconds_total/m);
        assert.doesNotMatch(text, /^jobs_queue_depth\{/m, 'nothing counted yet');
      }
    } finally {
      await closeServer(http, 100);
      connection.disconnect();
      for (const socket of sockets) socket.destroy();
      silent.close();
      await queues.close().catch(() => {});
    }
  });
});

describe('job dashboard readiness', () => {
  it('answers 503 with the reason when Redis is unreachable', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused for real.
    const unreachable = producerConnection('redis://127.0.0.1:1');
    unreachable.on('error', () => {});
    try {
      const dashboard = await startDashboard({ production: false, ready: redisReady(unreachable) });
      const res = await get(`${dashboard.url}/ready`);
      assert.equal(res.status, 503);
      const body = (await res.json()) as { status: string; failures: Record<string, string> };
      assert.equal(body.status, 'not ready');
      assert.ok(body.failures.redis, JSON.stringify(body));
    } finally {
      await closeConnection(unreachable);
    }
  });

  it('gives up on a Redis that accepts the connection but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
    );
    // The handshake never completes, so the PING waits in the client's queue for an answer
    // that never comes: the same stall as a Redis that hangs mid-conversation.
    const client = producerConnection(`redis://127.0.0.1:${port}`, { enableOfflineQueue: true });
    client.on('error', () => {});
    try {
      await waitFor(() => sockets.size > 0);
      const started = Date.now();
      const failures = await redisReady(client, 200)();
      assert.deepEqual(failures, { redis: 'no answer within 200 ms' });
      assert.ok(Date.now() - started < 1500);
    } finally {
      client.disconnect();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe('dashboard configuration', () => {
  const load = (env: Record<string, string>) => loadDashboardConfig({ JWT_SECRET, ...env });
  const failure = (env: Record<string, string>) => {
    try {
      load(env);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.message;
    }
    return 'accepted';
  };

  it('has the documented defaults', () => {
    const config = load({});
    assert.equal(config.production, false);
    assert.equal(config.port, 4010);
    assert.equal(config.redis, 'redis://localhost:6379');
    assert.equal(config.queuePrefix, 'bull');
    assert.equal(config.basic, null);
    assert.equal(config.jwtSecret, JWT_SECRET);
  });

  it('reads a cluster from REDIS_CLUSTER_NODES, and then needs a hash-tag QUEUE_PREFIX', () => {
    const nodes = { REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' };
    assert.deepEqual(load({ ...nodes, QUEUE_PREFIX: '{bull}' }).redis, {
      cluster: [
        { host: '127.0.0.1', port: 7000 },
        { host: '127.0.0.1', port: 7001 },
      ],
    });
    assert.match(failure(nodes), /^QUEUE_PREFIX: must be a hash tag such as \{bull\}/);
  });

  it('needs both halves of the basic-auth pair, and names the missing one', () => {
    assert.match(failure({ DASHBOARD_USER: 'ops' }), /^DASHBOARD_PASSWORD: /);
    assert.match(failure({ DASHBOARD_PASSWORD: 'long enough password' }), /^DASHBOARD_USER: /);
    assert.deepEqual(load({ DASHBOARD_USER: 'ops', DASHBOARD_PASSWORD: 'short' }).basic, {
      user: 'ops',
      password: 'short',
    });
  });

  it('holds production to a long password and a JWT secret', () => {
    const production = { NODE_ENV: 'production', DASHBOARD_USER: 'ops' };
    assert.match(
      failure({ ...production, DASHBOARD_PASSWORD: 'elevenchars' }),
      /^DASHBOARD_PASSWORD: must be at least 12 characters/,
    );
    // Long enough is not enough: published, placeholder and low-entropy passwords are refused.
    for (const [password, reason] of [
      ['compose-only-dashboard-password', 'is a value published in this repository'],
      ['CHANGE-ME-ops-dashboard-2025', 'looks like a placeholder'],
      ['twelve chars', 'too easy to guess'],
    ] as const) {
      assert.match(
        failure({ ...production, DASHBOARD_PASSWORD: password }),
        new RegExp(`^DASHBOARD_PASSWORD: ${reason}`),
      );
    }
    assert.equal(
      load({
        ...production,
        DASHBOARD_PASSWORD: 'oZ3t-Vq8kR1wYh6nLc2Xp9sGm4Bf7Ju0',
        JWT_SECRET: 'Wd5r-Hk2mQ8zTn1cYb7Lx4Fv0Pa9Ug3Se6Jo',
      }).production,
      true,
    );
    assert.throws(
      () => loadDashboardConfig({ NODE_ENV: 'production' }),
      (error: unknown) => error instanceof ConfigError && /^JWT_SECRET: /.test(error.message),
    );
  });

  it('names the variable that is malformed', () => {
    assert.match(failure({ REDIS_URL: 'http://localhost:6379' }), /^REDIS_URL: /);
    assert.match(failure({ DASHBOARD_PORT: 'eighty' }), /^DASHBOARD_PORT: /);
    assert.match(failure({ QUEUE_PREFIX: 'bull:x' }), /^QUEUE_PREFIX: /);
    assert.match(failure({ REDIS_CLUSTER_NODES: 'redis-0:seventy' }), /^REDIS_CLUSTER_NODES: /);
    assert.match(
      failure({ DASHBOARD_USER: 'a:b', DASHBOARD_PASSWORD: 'long enough password' }),
      /^DASHBOARD_USER: /,
    );
  });
});

// A child that fails to stop would otherwise hold the run open for ever.
describe('dashboard entry point', { timeout: 30_000 }, () => {
  const run = (env: Record<string, string>) =>
    spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL, JWT_SECRET, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('stops at start-up with one line naming the variable', async () => {
    for (const [env, line] of [
      [{ DASHBOARD_USER: 'ops' }, 'DASHBOARD_PASSWORD: required when DASHBOARD_USER is set'],
      [
        { NODE_ENV: 'production' },
        'JWT_SECRET: looks like a placeholder; generate one with `openssl rand -base64 32`',
      ],
      [
        { REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: 'bull' },
        "QUEUE_PREFIX: must be a hash tag such as {bull} when REDIS_CLUSTER_NODES is set, so that each queue's keys share one cluster slot",
      ],
    ] as const) {
      const child = run(env);
      try {
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const [code] = (await once(child, 'exit')) as [number];
        assert.equal(code, 1);
        assert.equal(stderr, `configuration error: ${line}\n`);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
  });

  /** Starts the entry point on `redis` and checks it lists a job there, is ready and stops. */
  async function listsQueuesAndStops(redis: RedisTarget, prefix: string) {
    const connection = producerConnection(redis);
    connection.on('error', () => {});
    const queues = new QueueSet(connection, prefix);
    const child = run({ DASHBOARD_PORT: '0', QUEUE_PREFIX: prefix, ...redisTargetEnv(redis) });
    try {
      if (connection.status !== 'ready') await once(connection, 'ready');
      await queues.get(QUEUES.taskFulfilment).add('order-placed', {
        orderId: randomUUID(),
        customerId: randomUUID(),
      });
      let stdout = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /job dashboard ready at (http:\/\/localhost:\d+\/queues)/.exec(stdout);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stdout}`)));
      });
      const board = await fetch(url);
      assert.equal(board.status, 200);
      // The board answers before Redis has connected; readiness follows within moments.
      await waitFor(async () => (await fetch(new URL('/ready', url))).status === 200);
      const listed = (await (await fetch(`${url}/api/queues`)).json()) as {
        queues: QueueSummary[];
      };
      const fulfilment = listed.queues.find((q) => q.name === QUEUES.taskFulfilment);
      assert.equal(fulfilment?.counts.waiting, 1, JSON.stringify(listed));
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const queue of queues.all()) await queue.obliterate({ force: true });
      await queues.close();
      await closeConnection(connection);
    }
  }

  it('listens, shows the queues under QUEUE_PREFIX, and shuts down cleanly on SIGTERM', () =>
    listsQueuesAndStops(REDIS_URL, `sgtest-${randomUUID().slice(0, 8)}`));

  it('does the same on a Redis Cluster given by REDIS_CLUSTER_NODES', async () => {
    const cluster = await PrivateRedisCluster.start();
    try {
      await listsQueuesAndStops(cluster.target, `{sgtest-${randomUUID().slice(0, 8)}}`);
    } finally {
      await cluster.stop();
    }
  });
});
