/**
 * Services as they run in production: each its own process, started from its real entry point
 * and configured by env alone, so that a test sees what that env really does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { SERVICES, type Service } from '@supergraph/config';
import { JWT_SECRET, SUBGRAPH_SECRET } from '@supergraph/router/testing';
import { freePort, waitUntil } from '@supergraph/testing';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** `node --import tsx <entry>` with `env` over this process's environment. */
export function spawnEntry(
  entry: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.resolve(ROOT, entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export type ServiceProcesses = {
  /** The router's /graphql. */
  url: string;
  subgraphUrls: Record<Service, string>;
  stop(): Promise<void>;
};

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

/**
 * The three subgraphs and the router, each its own process on a free port, given `env` (the
 * databases, Redis) besides what wires them together. Resolves once every one is ready, which
 * for a subgraph means its database answers.
 */
export async function startServiceProcesses(
  env: Record<string, string>,
): Promise<ServiceProcesses> {
  const routerPort = await freePort();
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (service) => [service, await freePort()] as const)),
  ) as Record<Service, number>;
  const subgraphUrls = Object.fromEntries(
    SERVICES.map((service) => [service, `http://127.0.0.1:${ports[service]}/graphql`]),
  ) as Record<Service, string>;
  const shared = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '4',
    JWT_SECRET,
    SUBGRAPH_SECRET,
    ROUTER_PORT: String(routerPort),
    ...Object.fromEntries(
      SERVICES.flatMap((service) => [
        [`${service.toUpperCase()}_PORT`, String(ports[service])],
        [`${service.toUpperCase()}_URL`, subgraphUrls[service]],
      ]),
    ),
    // The committed supergraph, as in production, rather than composing and watching.
    SUPERGRAPH_PATH: path.join(ROOT, 'router', 'supergraph.graphql'),
    // Limits are counted in Redis per client address, which every test on this machine
    // shares: they are not what is under test.
    RATE_LIMIT_REQUESTS: '0',
    LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
    ...env,
  };
  const children = [
    ...SERVICES.map((service) => spawnEntry(`subgraphs/${service}/src/index.ts`, shared)),
    spawnEntry('router/src/index.ts', shared),
  ];
  try {
    await Promise.all(
      Object.entries({ ...ports, router: routerPort }).map(([name, port]) =>
        waitUntil(
          async () => {
            const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
            if (dead) throw new Error(`${dead.spawnargs.at(-1)} exited before it was ready`);
            return (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null))?.ok;
          },
          { timeoutMs: 60_000, intervalMs: 200, what: `the ${name} process to be ready` },
        ),
      ),
    );
  } catch (error) {
    await stopAll(children);
    throw error;
  }
  return {
    url: `http://127.0.0.1:${routerPort}/graphql`,
    subgraphUrls,
    stop: () => stopAll(children),
  };
}
