/**
 * Two router processes in front of the same subgraphs and the same Redis, as two replicas of
 * the deployment are: a query persisted through one is served by hash through the other, and
 * a client's request budget is one budget, wherever the load balancer sends each request.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, waitUntil } from '@supergraph/testing';
import {
  JWT_SECRET,
  REDIS_URL,
  SUBGRAPH_SECRET,
  seedProducts,
  startSystem,
  type System,
} from './harness.ts';

const ENTRY = path.resolve(import.meta.dirname, '../src/index.ts');
const LIMIT = 10;

type Replica = { name: string; child: ChildProcess; url: string };
type Body = {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

/** An address of its own for each simulated client, so that reruns never share a window. */
const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

async function send(replica: Replica, address: string, body: Record<string, unknown>) {
  const res = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Body,
  };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

let system: System;
let replicas: Replica[] = [];

before(async () => {
  system = await startSystem({ production: true });
  await seedProducts(system);
  replicas = await Promise.all(
    ['router-a', 'router-b'].map(async (name) => {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          LOG_LEVEL: 'silent',
          ROUTER_PORT: String(port),
          USERS_URL: system.subgraphUrls.users,
          ORDERS_URL: system.subgraphUrls.orders,
          TASKS_URL: system.subgraphUrls.tasks,
          JWT_SECRET,
          SUBGRAPH_SECRET,
          REDIS_URL,
          RATE_LIMIT_REQUESTS: String(LIMIT),
          RATE_LIMIT_WINDOW_SECONDS: '60',
          // The test stands in for the load balancer: each simulated client is the address
          // it forwards.
          TRUST_PROXY_HOPS: '1',
          PERSISTED_QUERIES: 'apq',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      return { name, child, url: `http://127.0.0.1:${port}/graphql` };
    }),
  );
  // Ready means connected to Redis too: before that, each process would count in memory.
  await Promise.all(
    replicas.map((replica) =>
      waitUntil(
        async () => {
          assert.equal(replica.child.exitCode, null, `${replica.name} exited`);
          const res = await fetch(replica.url.replace(/\/graphql$/, '/ready')).catch(() => null);
          return res?.ok;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: `${replica.name} to be ready` },
      ),
    ),
  );
});

after(async () => {
  await Promise.all(
    replicas.map(async ({ child }) => {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(killed);
    }),
  );
  await system?.stop();
});

describe('two router processes', () => {
  it('share automatic persisted queries through Redis', async () => {
    const [a, b] = replicas as [Replica, Replica];
    // A text no earlier run has registered.
    const query = /* GraphQL */ `query Catalogue${randomUUID().replaceAll('-', '')} {
      products(first: 2) { edges { node { name } } }
    }`;
    const hash = sha256(query);

    const miss = await send(b, someAddress(), { extensions: persisted(hash) });
    assert.equal(miss.body.errors?.[0]?.extensions?.code, 'PERSISTED_QUERY_NOT_FOUND');

    const registered = await send(a, someAddress(), { query, extensions: persisted(hash) });
    assert.equal(registered.status, 200);
    assert.equal(registered.body.errors, undefined);
    assert.ok(registered.body.data);

    // Registration is written after the response; the other process finds it shortly.
    const hit = await waitUntil(
      async () => {
        const res = await send(b, someAddress(), { extensions: persisted(hash) });
        return res.body.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND' ? null : res;
      },
      { timeoutMs: 5000, intervalMs: 20, what: `${b.name} to find the persisted query` },
    );
    assert.equal(hit.status, 200);
    assert.deepEqual(hit.body, registered.body);
  });

  it('share one request budget per client through Redis', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const address = someAddress();
    const ask = (replica: Replica, from = address) =>
      send(replica, from, { query: '{ products(first: 1) { edges { cursor } } }' });

    // Alternating, each process sees half the budget spent: only shared counters refuse next.
    for (let i = 0; i < LIMIT; i++) {
      const replica = i % 2 === 0 ? a : b;
      assert.equal((await ask(replica)).status, 200, `request ${i + 1} on ${replica.name}`);
    }
    for (const replica of [a, b]) {
      const refused = await ask(replica);
      assert.equal(refused.status, 429, `over budget on ${replica.name}`);
      assert.equal(refused.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
      const retryAfter = Number(refused.retryAfter);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${refused.retryAfter}`);
    }
    const other = someAddress();
    for (const replica of [a, b]) {
      assert.equal((await ask(replica, other)).status, 200, `another address on ${replica.name}`);
    }
  });
});
