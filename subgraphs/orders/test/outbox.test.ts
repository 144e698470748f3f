import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Product } from '@supergraph/prisma/orders';
import { outbox, type OutboxEntry, type OutboxRow, type SqlOutboxStore } from '@supergraph/queues';
import { errorCodes, withoutOrigin } from '@supergraph/testing';
import { createOrdersOutbox } from '../src/data/outbox-repository.ts';
import {
  PLACE_ORDER,
  customer,
  placeOrder,
  seedProducts,
  startOrders,
  type Harness,
} from './harness.ts';

let h: Harness;
let store: SqlOutboxStore;
let mug: Product;
let tea: Product;

before(async () => {
  h = await startOrders();
  store = createOrdersOutbox(h.db, h.databaseUrl);
  [mug, tea] = (await seedProducts(h.db, [
    { sku: 'MUG-1', name: 'Mug', priceCents: 1250, currency: 'EUR' },
    { sku: 'TEA-1', name: 'Tea', priceCents: 999, currency: 'EUR' },
  ])) as [Product, Product];
});
after(() => h.stop());

const CANCEL = /* GraphQL */ `
  mutation ($id: ID!) {
    cancelOrder(id: $id) {
      id
      status
    }
  }
`;

/** An order's outbox rows, oldest first, as the columns were written. */
async function rowsOf(orderId: string) {
  const rows = await h.db.outboxMessage.findMany({
    where: { jobId: { endsWith: `.${orderId}` } },
    orderBy: { id: 'asc' },
  });
  return rows.map(({ queue, action, jobName, jobId, payload, runAt, dispatchedAt }) => ({
    queue,
    action,
    jobName,
    jobId,
    payload: withoutOrigin(payload),
    runAt,
    dispatchedAt,
  }));
}

/**
 * The transaction ids that wrote the order's current row and each of its outbox rows: equal
 * when they were written in one transaction.
 */
async function writers(orderId: string) {
  const [order] = await h.db.$queryRaw<Array<{ xid: string }>>`
    SELECT xmin::text AS xid FROM "orders"."orders" WHERE id = ${orderId}::uuid`;
  const outboxRows = await h.db.$queryRaw<Array<{ jobName: string; xid: string }>>`
    SELECT job_name AS "jobName", xmin::text AS xid FROM "orders"."outbox"
    WHERE job_id LIKE ${`%.${orderId}`} ORDER BY id`;
  return { order: order?.xid, outbox: outboxRows };
}

/**
 * Makes the database refuse outbox rows for one job, for the length of `fn`: the way to show
 * that a failing outbox write takes the change that caused it down with it.
 */
async function refusingJob(jobName: string, fn: () => Promise<void>) {
  await h.db.$executeRawUnsafe(
    `ALTER TABLE "orders"."outbox" ADD CONSTRAINT "test_refuse" CHECK (job_name <> '${jobName}') NOT VALID`,
  );
  try {
    await fn();
  } finally {
    await h.db.$executeRawUnsafe(`ALTER TABLE "orders"."outbox" DROP CONSTRAINT "test_refuse"`);
  }
}

describe('placeOrder and the outbox', () => {
  it('writes the confirmation and fulfilment jobs of a new order', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [{ productId: mug.id, quantity: 2 }]);
    assert.deepEqual(await rowsOf(order.id), [
      {
        queue: 'order-confirmation',
        action: 'ADD',
        jobName: 'send-confirmation',
        jobId: `confirmation.${order.id}`,
        payload: { orderId: order.id },
        runAt: null,
        dispatchedAt: null,
      },
      {
        queue: 'task-fulfilment',
        action: 'ADD',
        jobName: 'order-placed',
        jobId: `order-placed.${order.id}`,
        payload: { orderId: order.id, customerId: viewer.id },
        runAt: null,
        dispatchedAt: null,
      },
    ]);
    // Both jobs name the request that placed the order, so their logs join its logs.
    const raw = await h.db.outboxMessage.findMany({
      where: { jobId: { endsWith: `.${order.id}` } },
    });
    const requestIds = new Set(raw.map((row) => (row.payload as { requestId?: string }).requestId));
    assert.equal(requestIds.size, 1);
    assert.match([...requestIds][0] ?? '', /^[0-9a-f-]{36}$/);
    const written = await writers(order.id);
    assert.ok(written.order);
    assert.deepEqual(written.outbox, [
      { jobName: 'send-confirmation', xid: written.order },
      { jobName: 'order-placed', xid: written.order },
    ]);
  });

  it('places no order when its outbox rows cannot be written', async () => {
    const viewer = customer();
    const before = await h.db.outboxMessage.count();
    await refusingJob('order-placed', async () => {
      const res = await h.call(PLACE_ORDER, viewer, {
        input: { items: [{ productId: mug.id, quantity: 1 }] },
      });
      assert.ok(res.errors, 'placeOrder should have failed');
    });
    assert.equal(await h.db.order.count({ where: { customerId: viewer.id } }), 0);
    // The confirmation row, written by the same statement, went as well.
    assert.equal(await h.db.outboxMessage.count(), before);
  });

  it('writes nothing for an order that fails, such as one for an unknown product', async () => {
    const before = await h.db.outboxMessage.count();
    const res = await h.call(PLACE_ORDER, customer(), {
      input: {
        items: [
          { productId: mug.id, quantity: 1 },
          { productId: randomUUID(), quantity: 1 },
        ],
      },
    });
    assert.deepEqual(errorCodes(res), ['BAD_USER_INPUT']);
    assert.equal(await h.db.outboxMessage.count(), before);
  });

  it('adds no rows when an idempotency key replays an order', async () => {
    const viewer = customer();
    const items = [{ productId: tea.id, quantity: 3 }];
    const first = await placeOrder(h, viewer, items, 'replay-1');
    const before = await h.db.outboxMessage.count();
    const again = await placeOrder(h, viewer, items, 'replay-1');
    assert.equal(again.id, first.id);
    assert.equal(await h.db.outboxMessage.count(), before);
    assert.equal((await rowsOf(first.id)).length, 2);
  });
});

describe('cancelOrder and the outbox', () => {
  it('announces a cancellation once, and nothing when the cancel is refused', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [{ productId: mug.id, quantity: 1 }]);
    const res = await h.call<{ cancelOrder: { status: string } }>(CANCEL, viewer, { id: order.id });
    assert.equal(res.data?.cancelOrder.status, 'CANCELLED');
    const cancelled = (await rowsOf(order.id)).filter((row) => row.jobName === 'order-cancelled');
    assert.deepEqual(cancelled, [
      {
        queue: 'task-fulfilment',
        action: 'ADD',
        jobName: 'order-cancelled',
        jobId: `order-cancelled.${order.id}`,
        payload: { orderId: order.id, customerId: viewer.id },
        runAt: null,
        dispatchedAt: null,
      },
    ]);
    // The order's current row is the cancelled one, written with the announcement.
    const written = await writers(order.id);
    assert.equal(
      written.outbox.find((row) => row.jobName === 'order-cancelled')?.xid,
      written.order,
    );

    const before = await h.db.outboxMessage.count();
    const again = await h.call(CANCEL, viewer, { id: order.id });
    assert.deepEqual(errorCodes(again), ['CONFLICT']);
    assert.equal(await h.db.outboxMessage.count(), before);
  });

  it('writes nothing for an order that is already FULFILLED', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [{ productId: tea.id, quantity: 1 }]);
    await h.db.order.update({ where: { id: order.id }, data: { status: 'FULFILLED' } });
    const res = await h.call(CANCEL, viewer, { id: order.id });
    assert.deepEqual(errorCodes(res), ['CONFLICT']);
    assert.deepEqual(
      (await rowsOf(order.id)).map((row) => row.jobName),
      ['send-confirmation', 'order-placed'],
    );
  });

  it('leaves the order as it was when the cancellation cannot be recorded', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [{ productId: mug.id, quantity: 1 }]);
    await refusingJob('order-cancelled', async () => {
      const res = await h.call(CANCEL, viewer, { id: order.id });
      assert.ok(res.errors, 'cancelOrder should have failed');
    });
    const row = await h.db.order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(row.status, 'PENDING');
  });
});

/** Dispatches whatever earlier tests left, so that each test sees only its own rows. */
async function drain() {
  while ((await store.dispatchBatch(500, async () => {})) > 0);
}

/** Writes entries one statement each, so that their ids (UUIDv7) follow the given order. */
async function write(entries: OutboxEntry[]): Promise<string[]> {
  const ids: string[] = [];
  for (const data of entries) ids.push((await h.db.outboxMessage.create({ data })).id);
  return ids;
}

const strip = ({ id: _id, ...entry }: OutboxRow): OutboxEntry => entry;

describe('createOrdersOutbox.dispatchBatch', () => {
  beforeEach(drain);

  it('hands rows over oldest first, as written, and marks them dispatched', async () => {
    const orderId = randomUUID();
    const dueAt = new Date('2030-01-02T03:04:05.678Z');
    const entries = [
      ...outbox.orderPlaced(orderId, randomUUID()),
      ...outbox.reminderScheduled(randomUUID(), dueAt),
      ...outbox.reminderCancelled(randomUUID(), dueAt),
    ];
    const ids = await write(entries);

    const seen: OutboxRow[][] = [];
    assert.equal(await store.dispatchBatch(3, async (rows) => void seen.push(rows)), 3);
    assert.equal(await store.dispatchBatch(3, async (rows) => void seen.push(rows)), 1);
    assert.equal(await store.dispatchBatch(3, async (rows) => void seen.push(rows)), 0);

    assert.deepEqual(
      seen.map((batch) => batch.map((row) => row.id)),
      [ids.slice(0, 3), ids.slice(3)],
    );
    assert.deepEqual(seen.flat().map(strip), entries);
    const dispatched = await h.db.outboxMessage.findMany({ where: { id: { in: ids } } });
    assert.equal(dispatched.length, 4);
    for (const row of dispatched) assert.ok(row.dispatchedAt, `${row.id} is dispatched`);
  });

  it('keeps the rows for the next pass when dispatch throws', async () => {
    const ids = await write(outbox.orderPlaced(randomUUID(), randomUUID()));
    await assert.rejects(
      store.dispatchBatch(10, async () => {
        throw new Error('redis is down');
      }),
      /redis is down/,
    );
    const rows = await h.db.outboxMessage.findMany({ where: { id: { in: ids } } });
    assert.deepEqual(
      rows.map((row) => row.dispatchedAt),
      [null, null],
    );
    const retried: string[] = [];
    assert.equal(
      await store.dispatchBatch(10, async (batch) => void retried.push(...batch.map((r) => r.id))),
      2,
    );
    assert.deepEqual(retried, ids);
  });

  it('never hands the same row to two concurrent relays', async () => {
    const ids = await write([
      ...outbox.orderPlaced(randomUUID(), randomUUID()),
      ...outbox.orderPlaced(randomUUID(), randomUUID()),
      ...outbox.orderPlaced(randomUUID(), randomUUID()),
    ]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));

    let first: string[] = [];
    let second: string[] = [];
    const slow = store.dispatchBatch(4, async (rows) => {
      first = rows.map((row) => row.id);
      locked();
      await held;
    });
    await holding;
    // While the first relay holds its rows, a second one must take the others, not wait.
    const fast = store.dispatchBatch(10, async (rows) => {
      second = rows.map((row) => row.id);
    });
    const outcome = await Promise.race([
      fast.then(() => 'finished'),
      sleep(3000).then(() => 'blocked'),
    ]);
    release();
    assert.deepEqual(await Promise.all([slow, fast]), [4, 2]);
    assert.equal(outcome, 'finished');
    assert.deepEqual(first, ids.slice(0, 4));
    assert.deepEqual(second, ids.slice(4));
  });

  it('refuses a row for a queue that does not exist, rather than losing its job', async () => {
    const [id] = await write([
      {
        queue: 'no-such-queue' as OutboxEntry['queue'],
        action: 'ADD',
        jobName: 'x',
        jobId: 'x.1',
        payload: {},
        runAt: null,
      },
    ]);
    let dispatched = false;
    await assert.rejects(
      store.dispatchBatch(10, async () => {
        dispatched = true;
      }),
      /unknown queue no-such-queue/,
    );
    assert.equal(dispatched, false);
    await h.db.outboxMessage.delete({ where: { id: id! } });
  });
});

describe('createOrdersOutbox.purgeDispatched', () => {
  beforeEach(drain);

  it('deletes dispatched rows older than the date and nothing else', async () => {
    const [old, recent, pending] = await write([
      ...outbox.orderPlaced(randomUUID(), randomUUID()),
      ...outbox.orderCancelled(randomUUID(), randomUUID()),
    ]);
    await h.db.outboxMessage.update({
      where: { id: old! },
      data: { dispatchedAt: new Date(Date.now() - 3 * 86_400_000) },
    });
    await h.db.outboxMessage.update({ where: { id: recent! }, data: { dispatchedAt: new Date() } });

    const purged = await store.purgeDispatched(new Date(Date.now() - 86_400_000));
    assert.equal(purged, 1);
    const left = await h.db.outboxMessage.findMany({
      where: { id: { in: [old!, recent!, pending!] } },
      select: { id: true },
    });
    assert.deepEqual(left.map((row) => row.id).sort(), [recent!, pending!].sort());
  });
});

describe('createOrdersOutbox.listen', () => {
  it('calls back when a transaction that wrote rows commits', async () => {
    let calls = 0;
    const errors: Error[] = [];
    const stop = await store.listen(
      () => (calls += 1),
      (error) => errors.push(error),
    );
    try {
      // The listener calls once on connecting, for whatever was committed before it.
      const baseline = calls;
      await placeOrder(h, customer(), [{ productId: tea.id, quantity: 1 }]);
      for (let waited = 0; calls === baseline && waited < 5000; waited += 20) await sleep(20);
      assert.ok(calls > baseline, 'no notification after the order committed');
      assert.deepEqual(errors, []);
    } finally {
      await stop();
    }
  });
});
