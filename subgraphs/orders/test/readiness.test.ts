/**
 * /ready follows the database: 503 naming `database` when Postgres cannot be reached or the
 * database is missing, 200 when it answers. Orders uses Redis only to announce changes, which
 * it can do without (a lost announcement fails nothing), so nothing else is checked.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { databaseReady } from '@supergraph/http';
import { createLogger } from '@supergraph/observability';
import { createOrdersClient, type PrismaClient } from '@supergraph/prisma/orders';
import { freePort, readinessOf, testServerUrl, type Readiness } from '@supergraph/testing';
import { createServer } from '../src/server.ts';
import { SECRET, startOrders, type Harness } from './harness.ts';

/** An orders subgraph over `databaseUrl`, asked once for /ready, then stopped. */
async function readinessOver(databaseUrl: string): Promise<Readiness> {
  const db = createOrdersClient({ databaseUrl, poolSize: 1 });
  const { apollo, http } = await createServer({
    db,
    // Asked for /ready alone, it never changes an order.
    orderEvents: { publish: async () => {} },
    logger: createLogger('test', 'silent'),
    subgraphSecret: SECRET,
    production: true,
  });
  return readinessOf({
    http,
    stop: async () => {
      await apollo.stop();
      await db.$disconnect();
    },
  });
}

describe('orders readiness', () => {
  let h: Harness;
  before(async () => {
    h = await startOrders();
  });
  after(() => h.stop());

  it('is ready while its database answers', async () => {
    const res = await fetch(new URL('/ready', h.url));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ready' });
  });

  it('is not ready, naming the database, when Postgres cannot be reached', async () => {
    const closed = `postgresql://postgres@127.0.0.1:${await freePort()}/orders`;
    const { status, body } = await readinessOver(closed);
    assert.equal(status, 503);
    assert.equal(body.status, 'not ready');
    assert.deepEqual(Object.keys(body.failures ?? {}), ['database']);
    assert.match(body.failures!.database!, /Can't reach database server/);
  });

  it('is not ready, naming the database, when the database does not exist', async () => {
    const url = testServerUrl();
    url.pathname = '/sg_no_such_database';
    const { status, body } = await readinessOver(url.toString());
    assert.equal(status, 503);
    assert.deepEqual(Object.keys(body.failures ?? {}), ['database']);
    assert.match(body.failures!.database!, /does not exist/);
  });

  it('gives up on a database that accepts connections and never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const db: PrismaClient = createOrdersClient({
      databaseUrl: `postgresql://postgres@127.0.0.1:${port}/orders`,
      poolSize: 1,
    });
    try {
      assert.deepEqual(await databaseReady(db, 200), { database: 'no answer within 200 ms' });
    } finally {
      // The pool can only end once its connection attempt fails.
      for (const socket of sockets) socket.destroy();
      silent.close();
      await db.$disconnect();
    }
  });
});
