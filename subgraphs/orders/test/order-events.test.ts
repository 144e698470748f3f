/**
 * Every committed change of an order's status or of its confirmation email's status moves the
 * order's version on and is announced on the deployment's order-events channel, heard here by
 * a plain Redis subscriber as a router hears it; a change that rolls back is never announced.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Viewer } from '@supergraph/common';
import type { Product } from '@supergraph/prisma/orders';
import { errorCodes, OrderEventRecorder } from '@supergraph/testing';
import { EmailDeliveries } from '../src/data/email-deliveries.ts';
import { FulfilmentRepository } from '../src/data/fulfilment-repository.ts';
import { placeOrder as placeUnannounced } from '../src/data/place-order.ts';
import {
  REDIS_URL,
  customer,
  placeOrder,
  PLACE_ORDER,
  seedProducts,
  staff,
  startOrders,
  type Harness,
} from './harness.ts';

let h: Harness;
let recorder: OrderEventRecorder;
let mug: Product;

before(async () => {
  h = await startOrders();
  recorder = await OrderEventRecorder.start(REDIS_URL, h.prefix);
  [mug] = (await seedProducts(h.db, [
    { sku: 'MUG-1', name: 'Mug', priceCents: 1250, currency: 'EUR' },
  ])) as [Product];
  // Refuses the outbox rows of the customers listed in `refused`: placing or cancelling an
  // order of theirs then fails inside its transaction, after the order itself was written.
  await h.db.$executeRawUnsafe(`CREATE TABLE "orders"."refused" (customer_id text PRIMARY KEY)`);
  await h.db.$executeRawUnsafe(`
    CREATE FUNCTION "orders"."refuse_outbox"() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM "orders"."refused" WHERE customer_id = NEW.payload->>'customerId')
      THEN RAISE EXCEPTION 'outbox refused by the test';
      END IF;
      RETURN NEW;
    END
    $$`);
  await h.db.$executeRawUnsafe(`
    CREATE TRIGGER "refuse_outbox" BEFORE INSERT ON "orders"."outbox"
      FOR EACH ROW EXECUTE FUNCTION "orders"."refuse_outbox"()`);
});
after(async () => {
  await recorder?.close();
  await h?.stop();
});

const CANCEL = /* GraphQL */ `
  mutation ($id: ID!) {
    cancelOrder(id: $id) {
      id
      status
      version
    }
  }
`;

async function versionOf(viewer: Viewer, id: string): Promise<number | undefined> {
  const res = await h.call<{ order: { version: number } | null }>(
    /* GraphQL */ `
      query ($id: ID!) {
        order(id: $id) {
          version
        }
      }
    `,
    viewer,
    { id },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data?.order?.version;
}

/**
 * Places an order for a customer of its own and waits for its announcement: the subgraph
 * publishes on one connection, in order, so everything it published before has arrived too.
 */
async function marker(): Promise<void> {
  const order = await placeOrder(h, customer(), [{ productId: mug.id, quantity: 1 }]);
  await recorder.waitFor(order.id, (events) => events.length === 1);
}

describe('order events from the graph', () => {
  it('announces a placed order as version 1, and its cancellation as version 2', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [{ productId: mug.id, quantity: 2 }]);
    assert.deepEqual(await recorder.waitFor(order.id, (events) => events.length >= 1), [
      { orderId: order.id, customerId: viewer.id, version: 1 },
    ]);
    assert.equal(await versionOf(viewer, order.id), 1);

    const res = await h.call<{ cancelOrder: { status: string; version: number } }>(CANCEL, viewer, {
      id: order.id,
    });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(res.data?.cancelOrder, { id: order.id, status: 'CANCELLED', version: 2 });
    assert.deepEqual(await recorder.waitFor(order.id, (events) => events.length >= 2), [
      { orderId: order.id, customerId: viewer.id, version: 1 },
      { orderId: order.id, customerId: viewer.id, version: 2 },
    ]);

    // Cancelling again changes nothing, so it announces nothing.
    const again = await h.call(CANCEL, viewer, { id: order.id });
    assert.deepEqual(errorCodes(again), ['CONFLICT']);
    await marker();
    assert.equal(recorder.of(order.id).length, 2);
    assert.equal(await versionOf(viewer, order.id), 2);
  });

  it('announces nothing for a repeated idempotency key, which places nothing', async () => {
    const viewer = customer();
    const items = [{ productId: mug.id, quantity: 1 }];
    const first = await placeOrder(h, viewer, items, 'events-1');
    const again = await placeOrder(h, viewer, items, 'events-1');
    assert.equal(again.id, first.id);
    await marker();
    assert.deepEqual(recorder.of(first.id), [
      { orderId: first.id, customerId: viewer.id, version: 1 },
    ]);
  });

  it('announces nothing for an order refused before it is written', async () => {
    const viewer = customer();
    const res = await h.call(PLACE_ORDER, viewer, {
      input: { items: [{ productId: randomUUID(), quantity: 1 }] },
    });
    assert.deepEqual(errorCodes(res), ['BAD_USER_INPUT']);
    await marker();
    assert.deepEqual(
      recorder.events.filter((event) => event?.customerId === viewer.id),
      [],
    );
  });

  it('announces nothing for a placement or a cancellation whose transaction rolls back', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [{ productId: mug.id, quantity: 1 }]);
    await recorder.waitFor(order.id, (events) => events.length === 1);
    await h.db.$executeRaw`INSERT INTO "orders"."refused" (customer_id) VALUES (${viewer.id})`;
    try {
      const placed = await h.call(PLACE_ORDER, viewer, {
        input: { items: [{ productId: mug.id, quantity: 1 }] },
      });
      assert.deepEqual(errorCodes(placed), ['INTERNAL_SERVER_ERROR']);
      const cancelled = await h.call(CANCEL, viewer, { id: order.id });
      assert.deepEqual(errorCodes(cancelled), ['INTERNAL_SERVER_ERROR']);
    } finally {
      await h.db.$executeRaw`DELETE FROM "orders"."refused" WHERE customer_id = ${viewer.id}`;
    }
    await marker();
    assert.deepEqual(
      recorder.events.filter((event) => event?.customerId === viewer.id),
      [{ orderId: order.id, customerId: viewer.id, version: 1 }],
    );
    assert.equal(await h.db.order.count({ where: { customerId: viewer.id } }), 1);
    const row = await h.db.order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(row.status, 'PENDING');
    assert.equal(row.version, 1);
  });

  it('shows the version on every path an order is read by', async () => {
    const [a, b] = [customer(), customer()];
    const orderA = await placeOrder(h, a, [{ productId: mug.id, quantity: 1 }]);
    const orderB = await placeOrder(h, b, [{ productId: mug.id, quantity: 1 }]);
    await h.call(CANCEL, b, { id: orderB.id });
    // Several users at once take the lateral-join query, whose columns are listed by hand.
    const res = await h.call<{
      _entities: Array<{ orders: { edges: Array<{ node: { id: string; version: number } }> } }>;
    }>(
      /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on User {
              orders {
                edges {
                  node {
                    id
                    version
                  }
                }
              }
            }
          }
        }
      `,
      staff(),
      { r: [a, b].map((viewer) => ({ __typename: 'User', id: viewer.id })) },
    );
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.deepEqual(
      res.data?._entities.map((user) => user.orders.edges.map((edge) => edge.node)),
      [[{ id: orderA.id, version: 1 }], [{ id: orderB.id, version: 2 }]],
    );
  });
});

describe('order events from the jobs', () => {
  /** An order written straight to the database, announced by nobody: only the jobs speak. */
  async function newOrder() {
    const { order } = await placeUnannounced(h.db, randomUUID(), {
      items: [{ productId: mug.id, quantity: 1 }],
      idempotencyKey: null,
    });
    return order;
  }

  it('announces each change of the confirmation email, and no lapsed claim taken over', async () => {
    const order = await newOrder();
    const ledger = new EmailDeliveries(h.db, h.orderEvents).ledger(order.id);
    const event = (version: number) => ({
      orderId: order.id,
      customerId: order.customerId,
      version,
    });

    // QUEUED → SENDING, with a lease that lapses at once.
    assert.equal((await ledger.claim(20)).kind, 'claimed');
    await recorder.waitFor(order.id, (events) => events.length === 1);
    await sleep(100);
    // SENDING → SENDING: another attempt takes over, but the status stays.
    const second = await ledger.claim(60_000);
    assert.ok(second.kind === 'claimed');
    // SENDING → QUEUED, QUEUED → SENDING, SENDING → SENT.
    await ledger.failed(second.token, 'connection refused', false);
    const third = await ledger.claim(60_000);
    assert.ok(third.kind === 'claimed');
    await ledger.sent(third.token);

    assert.deepEqual(await recorder.waitFor(order.id, (events) => events.length >= 4), [
      event(2),
      event(3),
      event(4),
      event(5),
    ]);
    assert.equal((await h.db.order.findUniqueOrThrow({ where: { id: order.id } })).version, 5);
    // A send recorded twice, as a retry after a lost answer would, changes nothing more.
    await ledger.sent(third.token);
    await marker();
    assert.equal(recorder.of(order.id).length, 4);
  });

  it('announces a fulfilment step that moved the order, and none that did not', async () => {
    const order = await newOrder();
    const fulfilment = new FulfilmentRepository(h.db, h.orderEvents);
    assert.equal(await fulfilment.markConfirmed(order.id), true);
    assert.equal(await fulfilment.markConfirmed(order.id), false);
    assert.equal(await fulfilment.markFulfilled(order.id), true);
    assert.equal(await fulfilment.markConfirmed(order.id), false);
    await marker();
    assert.deepEqual(recorder.of(order.id), [
      { orderId: order.id, customerId: order.customerId, version: 2 },
      { orderId: order.id, customerId: order.customerId, version: 3 },
    ]);
  });
});
