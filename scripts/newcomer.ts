/**
 * The newcomer check: what somebody who has just cloned the repository does, run against the
 * real thing. It takes every command and operation from README.md, so the README cannot
 * drift from the product:
 *
 * 1. runs the Quick start's command (`npm install && npm run dev`) in a process group of its
 *    own, and fails on any npm install-script warning;
 * 2. waits for the router, then sends the README's example operations (log in, catalogue,
 *    place an order, the customer's dashboard, the staff query) and waits for the order's
 *    confirmation email under `.data/mail/`;
 * 3. with `--crash`, kills the orders subgraph, the router and the worker with SIGKILL, one at a
 *    time, and waits for each to come back and for the router's /ready to recover;
 * 4. sends SIGINT to the group, as Ctrl-C in a terminal does, and checks that every port is
 *    free and no process is left;
 * 5. starts it all a second time and checks that the first run's database and order are still
 *    there (the same idempotency key gives the same order).
 *
 *   node --import tsx scripts/newcomer.ts [--once] [--crash]
 *
 * It uses a database and a queue prefix of its own on the Postgres and Redis it finds (the
 * README's defaults), and removes both at the end, so that it neither reuses nor disturbs
 * anything on the machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const PORTS = {
  router: 4000,
  users: 4001,
  orders: 4002,
  tasks: 4003,
  dashboard: 4010,
  worker: 4011,
};
const ROUTER = `http://localhost:${PORTS.router}`;
const START_TIMEOUT_MS = 240_000;
const STOP_TIMEOUT_MS = 30_000;

const started = Date.now();
function step(message: string) {
  console.log(`[newcomer ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

class CheckFailed extends Error {}
function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

// ---------------------------------------------------------------------------------------
// What the README says

type Readme = {
  quickStart: string;
  operations: Map<string, string>;
  accounts: Map<string, string>;
};

function readReadme(): Readme {
  const text = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = (heading: string) => {
    const start = text.indexOf(`\n${heading}\n`);
    check(start >= 0, `README.md has no "${heading}" section`);
    const level = heading.split(' ')[0]!;
    const rest = text.slice(start + heading.length + 2);
    const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
    return end < 0 ? rest : rest.slice(0, end);
  };
  const blocks = (markdown: string, lang: string) =>
    [...markdown.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) =>
      m[1]!.trim(),
    );

  const quickStart = blocks(section('## Quick start'), 'sh')[0];
  check(quickStart, 'the Quick start has no ```sh block');
  const operations = new Map<string, string>();
  for (const document of blocks(section('### Example operations'), 'graphql')) {
    const name = /^(?:query|mutation|subscription)\s+(\w+)/m.exec(document)?.[1];
    check(name, `an example operation has no name:\n${document}`);
    operations.set(name, document);
  }
  const accounts = new Map<string, string>();
  for (const row of section('### Dev accounts').matchAll(/^\|\s*(\S+@\S+)\s*\|\s*(\S+)\s*\|/gm)) {
    accounts.set(row[1]!, row[2]!);
  }
  return { quickStart, operations, accounts };
}

function operation(readme: Readme, name: string): string {
  const document = readme.operations.get(name);
  check(document, `README.md's example operations have no ${name}`);
  return document;
}

// ---------------------------------------------------------------------------------------
// The system under test

type GraphQLResult = { data?: Record<string, unknown>; errors?: Array<{ message: string }> };

async function graphql(
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${ROUTER}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResult;
  check(
    response.ok && body.data && !body.errors,
    `${query.split('\n')[0]} answered ${response.status}: ${JSON.stringify(body)}`,
  );
  return body.data;
}

async function status(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

// Not @supergraph/testing's waitUntil: that package loads the Prisma clients, and this check
// runs before anything is generated.
async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    check(Date.now() < deadline, `timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

/** The pid listening on a TCP port, from `ss` (iproute2). */
function listener(port: number): number | null {
  const out = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' }).stdout;
  const pid = /pid=(\d+)/.exec(out ?? '')?.[1];
  return pid ? Number(pid) : null;
}

function listening(port: number): boolean {
  const out = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).stdout;
  return (out ?? '').trim().length > 0;
}

type Proc = { pid: number; ppid: number; state: string };

/** Every live process, read from /proc. */
function processes(): Proc[] {
  const list: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The fields after the command name (which may hold spaces): state, ppid, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z')
        list.push({ pid: Number(entry), ppid: Number(fields[1]), state: fields[0]! });
    } catch {
      // The process ended while we looked.
    }
  }
  return list;
}

/** A process and all its descendants. turbo puts each task in a process group of its own. */
function tree(rootPid: number): number[] {
  const all = processes();
  const found = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const proc of all) {
      if (!found.has(proc.pid) && found.has(proc.ppid)) {
        found.add(proc.pid);
        grew = true;
      }
    }
  }
  return [...found].filter((pid) => all.some((proc) => proc.pid === pid));
}

function alive(pids: number[]): number[] {
  const live = new Set(processes().map((proc) => proc.pid));
  return pids.filter((pid) => live.has(pid));
}

function commandLine(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`;
  } catch {
    return String(pid);
  }
}

type Run = { child: ChildProcess; log: string; output: () => string };

function startDev(readme: Readme, env: NodeJS.ProcessEnv, label: string): Run {
  for (const [name, port] of Object.entries(PORTS)) {
    check(!listening(port), `port ${port} (${name}) is taken before the start: stop what holds it`);
  }
  const log = path.join(root, 'test-results', `newcomer-${label}.log`);
  mkdirSync(path.dirname(log), { recursive: true });
  const file = createWriteStream(log);
  let output = '';
  step(`$ ${readme.quickStart}   (log: ${path.relative(root, log)})`);
  const child = spawn('sh', ['-c', readme.quickStart], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      file.write(chunk);
    });
  }
  child.on('exit', () => file.end());
  return { child, log, output: () => output };
}

async function waitForStack(run: Run) {
  const exited = new Promise<never>((_, reject) =>
    run.child.once('exit', (code) =>
      reject(new CheckFailed(`the quick start exited (${code}) before the router answered`)),
    ),
  );
  await Promise.race([
    exited,
    until('the router and every process to be ready', START_TIMEOUT_MS, async () => {
      for (const port of Object.values(PORTS)) {
        if ((await status(`http://localhost:${port}/ready`)) !== 200) return undefined;
      }
      return true;
    }),
  ]);
  // A rejection after this point is of no interest.
  exited.catch(() => {});
}

async function stopDev(run: Run) {
  const pid = run.child.pid!;
  const started = tree(pid);
  step(`SIGINT to the process group (Ctrl-C); ${started.length} processes running`);
  process.kill(-pid, 'SIGINT');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(started).length > 0 && Date.now() < deadline) await sleep(250);
  const left = alive(started);
  if (left.length > 0) {
    const names = left.map(commandLine);
    for (const leftover of left) process.kill(leftover, 'SIGKILL');
    throw new CheckFailed(
      `${left.length} processes were left ${STOP_TIMEOUT_MS / 1000} s after SIGINT:\n  ${names.join('\n  ')}`,
    );
  }
  const busy = Object.entries(PORTS).filter(([, port]) => listening(port));
  check(busy.length === 0, `ports still taken after the stop: ${JSON.stringify(busy)}`);
  step('stopped: no process left, every port free');
}

// ---------------------------------------------------------------------------------------
// The checks

type Order = { id: string; status: string };

async function runExamples(readme: Readme, mailDir: string): Promise<Order> {
  const customerLogIn = operation(readme, 'LogIn');
  const logIn = (await graphql(customerLogIn)).logIn as { token: string };
  check(logIn.token, 'LogIn gave no token');
  step('LogIn: customer token');

  const catalogue = (await graphql(operation(readme, 'Catalogue'))).products as {
    edges: Array<{ node: { id: string; name: string } }>;
  };
  const product = catalogue.edges[0]?.node;
  check(product, 'Catalogue listed no product');
  step(`Catalogue: ${catalogue.edges.length} products, first "${product.name}"`);

  const mailBefore = existsSync(mailDir) ? new Set(readdirSync(mailDir)) : new Set<string>();
  const placed = (await graphql(operation(readme, 'Place'), { productId: product.id }, logIn.token))
    .placeOrder as Order;
  check(placed.id && placed.status, `Place answered ${JSON.stringify(placed)}`);
  step(`Place: order ${placed.id} ${placed.status}`);

  const reference = placed.id.replaceAll('-', '').slice(-12);
  const mail = await until('the confirmation email under .data/mail/', 60_000, async () => {
    for (const name of await readdir(mailDir)) {
      if (mailBefore.has(name) || !name.endsWith('.eml')) continue;
      const raw = await readFile(path.join(mailDir, name), 'utf8');
      if (raw.includes(`Subject: Thank you for your order #${reference}`)) return name;
    }
    return undefined;
  });
  step(`email: .data/mail/${mail}`);

  const me = (await graphql(operation(readme, 'MyDashboard'), {}, logIn.token)).me as {
    orders: { edges: Array<{ node: { id: string; confirmationEmail: { status: string } } }> };
  };
  const mine = me.orders.edges.find((edge) => edge.node.id === placed.id);
  check(mine, `MyDashboard does not list order ${placed.id}`);
  step(`MyDashboard: the order, its email ${mine.node.confirmationEmail.status}`);

  const staffEmail = 'staff@example.com';
  const staffPassword = readme.accounts.get(staffEmail);
  check(staffPassword, `README.md's dev accounts have no ${staffEmail}`);
  const customerEmail = /email:\s*"([^"]+)"/.exec(customerLogIn)?.[1];
  const customerPassword = /password:\s*"([^"]+)"/.exec(customerLogIn)?.[1];
  check(customerEmail && customerPassword, 'LogIn has no literal email and password');
  const staffLogIn = customerLogIn
    .replace(customerEmail, staffEmail)
    .replace(customerPassword, staffPassword);
  const staff = (await graphql(staffLogIn)).logIn as { token: string };
  // The fulfilment saga confirms the order through a job: the staff query lists CONFIRMED ones.
  await until(`order ${placed.id} in StaffOrders (CONFIRMED)`, 60_000, async () => {
    const orders = (await graphql(operation(readme, 'StaffOrders'), {}, staff.token)).orders as {
      edges: Array<{ node: { id: string; tasks: unknown[] } }>;
    };
    const found = orders.edges.find((edge) => edge.node.id === placed.id);
    return found && found.node.tasks.length > 0 ? found : undefined;
  });
  step('StaffOrders: the order, CONFIRMED, with its fulfilment task');
  return placed;
}

async function crashAndRecover(readme: Readme) {
  for (const name of ['orders', 'router', 'worker'] as const) {
    const port = PORTS[name];
    const pid = listener(port);
    check(pid, `nothing listens on ${port} (${name})`);
    process.kill(pid, 'SIGKILL');
    step(`SIGKILL to ${name} (pid ${pid})`);
    await until(`${name} to come back`, 60_000, async () => {
      const now = listener(port);
      return now && now !== pid && (await status(`http://localhost:${port}/health`)) === 200
        ? true
        : undefined;
    });
    await until("the router's /ready to recover", 60_000, async () =>
      (await status(`${ROUTER}/ready`)) === 200 ? true : undefined,
    );
    await graphql(operation(readme, 'Catalogue'));
    step(`${name} is back and the router is ready again`);
  }
}

async function main() {
  const readme = readReadme();
  const id = randomUUID().slice(0, 8);
  const server = new URL(
    process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@localhost:5432/supergraph',
  );
  const database = new URL(server);
  database.pathname = `/newcomer_${id}`;
  const queuePrefix = `newcomer-${id}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://localhost:6379';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.toString(),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
  };
  // What CI sets for its own runs would not be there on a newcomer's machine; a service's own
  // database would take it away from the check's database.
  for (const name of [
    'TEST_DATABASE_URL',
    'USERS_DATABASE_URL',
    'ORDERS_DATABASE_URL',
    'TASKS_DATABASE_URL',
    'NODE_ENV',
    'DATA_DIR',
    'SMTP_URL',
  ]) {
    delete env[name];
  }
  const mailDir = path.join(root, '.data', 'mail');
  step(
    `Node ${process.version}; database ${database.pathname.slice(1)}, queue prefix ${queuePrefix}`,
  );

  let run: Run | null = null;
  try {
    run = startDev(readme, env, 'first');
    await waitForStack(run);
    step('every process is ready');
    const first = run.output();
    check(!/install-scripts/.test(first), 'npm install printed an install-script warning');
    check(/created the database/.test(first), 'the first start did not create the database');
    if (Number(process.versions.node.split('.')[0]) < 22) {
      check(/past its end of life/.test(first), `Node ${process.version} got no warning`);
      step('an end-of-life Node got its one warning line, and the stack runs');
    }
    const order = await runExamples(readme, mailDir);
    if (args.has('--crash')) await crashAndRecover(readme);
    await stopDev(run);
    run = null;

    if (!args.has('--once')) {
      run = startDev(readme, env, 'second');
      await waitForStack(run);
      const second = run.output();
      check(
        /• database \S+ found/.test(second) && !/created the database/.test(second),
        'the second start did not find the first database',
      );
      const customer = (await graphql(operation(readme, 'LogIn'))).logIn as { token: string };
      const again = (
        await graphql(
          operation(readme, 'Place'),
          { productId: (await firstProductId(readme)) ?? '' },
          customer.token,
        )
      ).placeOrder as Order;
      check(
        again.id === order.id,
        `the same idempotency key gave order ${again.id}, not the first run's ${order.id}`,
      );
      step(`second start: the database was reused, the same checkout is still order ${order.id}`);
      await stopDev(run);
      run = null;
    }
    step('passed');
  } catch (error) {
    if (run) {
      const tail = run.output().trimEnd().split('\n').slice(-40).join('\n');
      console.error(`--- the last lines of ${path.relative(root, run.log)} ---\n${tail}\n---`);
    }
    throw error;
  } finally {
    if (run?.child.pid) {
      for (const pid of tree(run.child.pid).reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    await cleanUp(server, database, redisUrl, queuePrefix);
  }
}

async function firstProductId(readme: Readme): Promise<string | undefined> {
  const catalogue = (await graphql(operation(readme, 'Catalogue'))).products as {
    edges: Array<{ node: { id: string } }>;
  };
  return catalogue.edges[0]?.node.id;
}

async function cleanUp(server: URL, database: URL, redisUrl: string, queuePrefix: string) {
  const admin = new URL(server);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${database.pathname.slice(1)}" WITH (FORCE)`);
  await client.end();
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(
      `\n✖ newcomer check failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    console.error('  logs are in test-results/newcomer-*.log');
    process.exit(1);
  },
);
