/**
 * A router as its own production process, in front of a test system's subgraphs and on its
 * order-events channel: what a second replica, or one about to receive SIGTERM, is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { freePort, waitUntil } from '@supergraph/testing';
import { JWT_SECRET, SUBGRAPH_SECRET, type System } from './harness.ts';

const ENTRY = path.resolve(import.meta.dirname, '../src/index.ts');

export type RouterProcess = {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  kill(): Promise<void>;
};

export async function spawnRouter(
  system: System,
  { corsOrigins = 'https://shop.example.com' }: { corsOrigins?: string } = {},
): Promise<RouterProcess> {
  if (typeof system.redis !== 'string') throw new Error('a router process needs a REDIS_URL');
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      ROUTER_PORT: String(port),
      REDIS_URL: system.redis,
      USERS_URL: system.subgraphUrls.users,
      ORDERS_URL: system.subgraphUrls.orders,
      TASKS_URL: system.subgraphUrls.tasks,
      JWT_SECRET,
      SUBGRAPH_SECRET,
      QUEUE_PREFIX: system.queuePrefix,
      CORS_ORIGINS: corsOrigins,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  await waitUntil(
    async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok,
    { timeoutMs: 30_000, what: 'the router process to start' },
  );
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    child,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
