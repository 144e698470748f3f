/**
 * The system as it runs in production: every service its own Node process on a free port,
 * in production mode, over one database. A benchmark measured in one process would have
 * the router and three subgraphs share a single core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort, waitUntil } from '@supergraph/testing';

const ROOT = path.resolve(import.meta.dirname, '..');
// Production refuses guessable secrets: each run makes its own.
export const BENCH_JWT_SECRET = randomBytes(32).toString('base64');
export const BENCH_SUBGRAPH_SECRET = randomBytes(32).toString('base64');

export type Processes = {
  url: string;
  subgraphUrls: Record<'users' | 'orders' | 'tasks', string>;
  env: Record<string, string>;
  /** Process ids of the router and each subgraph, for sampling their memory. */
  pids: Record<'router' | 'users' | 'orders' | 'tasks', number>;
  spawn(entry: string, env?: Record<string, string>): ChildProcess;
  /** Waits for every process to exit after SIGTERM (profiles are written on exit). */
  stop(): Promise<void>;
};

async function healthy(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/health`)).ok;
  } catch {
    return false;
  }
}

export type ProcessOptions = {
  /** The Node binary every process runs on; the one running the bench unless given. */
  node?: string;
  /** Environment of every process, over the bench's own (QUEUE_PREFIX, router limits…). */
  env?: Record<string, string>;
  /** Node options of the router process alone, such as an inspector to measure it through. */
  routerNodeArgs?: string[];
};

export async function startProcesses(
  databaseUrl: string,
  options: ProcessOptions = {},
): Promise<Processes> {
  const node = options.node ?? process.execPath;
  const ports = {
    router: await freePort(),
    users: await freePort(),
    orders: await freePort(),
    tasks: await freePort(),
  };
  const subgraphUrls = {
    users: `http://127.0.0.1:${ports.users}/graphql`,
    orders: `http://127.0.0.1:${ports.orders}/graphql`,
    tasks: `http://127.0.0.1:${ports.tasks}/graphql`,
  };
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DB_POOL_SIZE: '10',
    JWT_SECRET: BENCH_JWT_SECRET,
    SUBGRAPH_SECRET: BENCH_SUBGRAPH_SECRET,
    ROUTER_PORT: String(ports.router),
    USERS_PORT: String(ports.users),
    ORDERS_PORT: String(ports.orders),
    TASKS_PORT: String(ports.tasks),
    USERS_URL: subgraphUrls.users,
    ORDERS_URL: subgraphUrls.orders,
    TASKS_URL: subgraphUrls.tasks,
    // The bench is one client sending far more than any real one may: its limits would
    // measure themselves rather than the system.
    RATE_LIMIT_REQUESTS: '0',
    LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
    ...options.env,
  };
  const children: ChildProcess[] = [];
  // BENCH_PROFILE_DIR=dir writes a CPU profile of every process there, for finding costs.
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE_DIR)}`]
    : [];
  const start = (entry: string, extra: Record<string, string> = {}, nodeArgs: string[] = []) => {
    const args = [...profile, ...nodeArgs, '--import', 'tsx', path.join(ROOT, entry)];
    const child = spawn(node, args, {
      env: { ...process.env, ...env, ...extra },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };
  const pids = {
    users: start('subgraphs/users/src/index.ts').pid ?? 0,
    orders: start('subgraphs/orders/src/index.ts').pid ?? 0,
    tasks: start('subgraphs/tasks/src/index.ts').pid ?? 0,
    router: start('router/src/index.ts', {}, options.routerNodeArgs).pid ?? 0,
  };
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    for (const port of Object.values(ports)) {
      await waitUntil(
        () => {
          const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
          if (dead) throw new Error(`${dead.spawnargs.join(' ')} exited before it was healthy`);
          return healthy(`http://127.0.0.1:${port}`);
        },
        {
          timeoutMs: 60_000,
          what: `a service on port ${port}`,
        },
      );
    }
  } catch (error) {
    // The caller gets no handle to stop them with: a failed start must not leave processes behind.
    await stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${ports.router}/graphql`,
    subgraphUrls,
    env,
    pids,
    spawn: (entry, extra) => start(entry, extra),
    stop,
  };
}
