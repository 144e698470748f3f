/**
 * The orders subgraph as its own production process: SIGTERM while a request waits on the
 * database lets that request complete, refuses new connections, then exits 0.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createOrdersClient } from '@supergraph/prisma/orders';
import {
  asRouter,
  createTestDatabase,
  freePort,
  waitUntil,
  type TestDatabase,
} from '@supergraph/testing';
import pg from 'pg';
import { customer, seedProducts, SECRET } from './harness.ts';

const ENTRY = path.resolve(import.meta.dirname, '../src/index.ts');
const HOLD_MS = 1_000;

const PRODUCTS = /* GraphQL */ `
  query Catalogue {
    products(first: 5) {
      edges {
        node {
          sku
        }
      }
    }
  }
`;

/** Whether a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

let database: TestDatabase;
let child: ChildProcess | undefined;

before(async () => {
  database = await createTestDatabase();
  const db = createOrdersClient({ databaseUrl: database.url, poolSize: 1 });
  await seedProducts(db, [{ sku: 'SLOW-1', name: 'Slow', priceCents: 100, currency: 'EUR' }]);
  await db.$disconnect();
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database.drop();
});

describe('orders shutdown', () => {
  it('finishes the request waiting on the database on SIGTERM, then exits 0', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        ORDERS_PORT: String(port),
        ORDERS_DATABASE_URL: database.url,
        DB_POOL_SIZE: '2',
        SUBGRAPH_SECRET: SECRET,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child = proc;
    const exited = once(proc, 'exit');
    const base = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${base}/health`).catch(() => null))?.ok, {
      timeoutMs: 30_000,
      what: 'the orders subgraph to start',
    });

    // A real slow query: the catalogue read waits for this lock.
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "orders"."products" IN ACCESS EXCLUSIVE MODE');

      let settled = false;
      const inFlight = fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...asRouter(SECRET, customer()) },
        body: JSON.stringify({ query: PRODUCTS }),
      }).finally(() => {
        settled = true;
      });
      await waitUntil(
        async () => {
          // pg_locks is live; pg_stat_activity would be a snapshot taken once per transaction.
          const { rows } = await locker.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_locks
             WHERE NOT granted AND relation = '"orders"."products"'::regclass`,
          );
          return rows[0]!.waiting > 0;
        },
        { what: 'the request to wait on the lock' },
      );

      const signalled = Date.now();
      proc.kill('SIGTERM');
      await waitUntil(() => refused(port), { what: 'new connections to be refused' });
      assert.equal(settled, false, 'the request is still waiting on the lock');
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, HOLD_MS - (Date.now() - signalled))),
      );
      assert.equal(settled, false);
      await locker.query('ROLLBACK');

      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        data: { products: { edges: [{ node: { sku: 'SLOW-1' } }] } },
      });
    } finally {
      await locker.end();
    }
    const [code, signal] = await exited;
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.equal(await refused(port), true);
  });
});
