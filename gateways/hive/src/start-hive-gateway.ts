/**
 * Starts Hive Gateway (`@graphql-hive/gateway`), the alternative router, as its own CLI in its
 * own process with this workspace's gateway.config.ts: for the test that holds it to our
 * router's answers and for the bench that measures the two side by side.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
/** The gateway configuration that gives Hive our router's token check and subgraph proof. */
export const HIVE_GATEWAY_CONFIG = path.resolve(import.meta.dirname, '..', 'gateway.config.ts');
const HIVE_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@graphql-hive/gateway/package.json')),
  'dist',
  'bin.js',
);
const STOP_TIMEOUT_MS = 10_000;

/** Options for {@link startHiveGateway}. */
export type HiveGatewayOptions = {
  /** Loopback port to serve on. */
  port: number;
  /** The composed supergraph to serve, e.g. router/supergraph.graphql. */
  supergraphPath: string;
  /** Where each subgraph (by its `@join__graph` name) really listens, as USERS_URL etc. */
  subgraphUrls: Record<string, string>;
  /** Verifies the clients' bearer tokens, as the router's JWT_SECRET. */
  jwtSecret: string;
  /** Signs the proof on every subgraph request, as the router's SUBGRAPH_SECRET. */
  subgraphSecret: string;
  /** More environment for the process: LOG_LEVEL (default warn), TRUST_PROXY_HOPS, MAX_DEPTH… */
  env?: Record<string, string>;
  /** Node flags for the process, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** How long it may take to answer its first operation; 60 s by default. */
  startTimeoutMs?: number;
};

export type HiveGateway = {
  /** The GraphQL endpoint. */
  url: string;
  /** The process serving it, for sampling its memory from /proc. */
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
};

/** Whether `url` answers a GraphQL operation (which needs the supergraph loaded and valid). */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const body = (await res.json()) as { data?: { __typename?: string } };
    return res.status === 200 && body.data?.__typename === 'Query';
  } catch {
    return false;
  }
}

/** Starts the Hive Gateway CLI as a child process and resolves once it answers GraphQL. */
export async function startHiveGateway(options: HiveGatewayOptions): Promise<HiveGateway> {
  const url = `http://127.0.0.1:${options.port}/graphql`;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      HIVE_BIN,
      'supergraph',
      path.resolve(options.supergraphPath),
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--config-path',
      HIVE_GATEWAY_CONFIG,
      // One process, like our router (a FORK in the environment would otherwise apply), so
      // that `pid` is the one serving.
      '--fork',
      '1',
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        ...options.env,
        JWT_SECRET: options.jwtSecret,
        SUBGRAPH_SECRET: options.subgraphSecret,
        // The router's own variables: gateway.config.ts reads USERS_URL, ORDERS_URL, TASKS_URL.
        ...Object.fromEntries(
          Object.entries(options.subgraphUrls).map(([name, location]) => [
            `${name.toUpperCase()}_URL`,
            location,
          ]),
        ),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // A parent that exits without stop() (a crash, a failed test run) must not leave the gateway
  // holding its port; a synchronous kill is all an exit handler can do.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  // The last lines it wrote, to explain a failed start; its warnings go on to our stderr.
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', (chunk: Buffer) => {
    keep(chunk);
    // It writes a bare newline when it stops.
    if (chunk.toString('utf8').trim()) process.stderr.write(chunk);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve(code ?? signal ?? 'unknown');
    });
  });

  async function stop(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  const deadline = Date.now() + startTimeoutMs;
  let early: number | string | undefined;
  void exited.then((code) => (early = code));
  while (!(await answers(url))) {
    if (early !== undefined || Date.now() > deadline) {
      await stop();
      const why =
        early !== undefined ? `exited (${early})` : `did not answer in ${startTimeoutMs} ms`;
      throw new Error(`Hive Gateway ${why}:\n${tail.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid ?? 0, stop };
}
