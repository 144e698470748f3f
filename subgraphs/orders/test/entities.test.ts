import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Viewer } from '@supergraph/common';
import type { Product } from '@supergraph/prisma/orders';
import { errorCodes } from '@supergraph/testing';
import {
  customer,
  placeOrder,
  seedProducts,
  staff,
  startOrders,
  type Harness,
  type PlacedOrder,
} from './harness.ts';

let h: Harness;
let products: Product[];
const alice = customer();
const bob = customer();
const carol = customer();
const admin = staff('ADMIN');
/** Alice's orders, newest first. */
const aliceOrders: PlacedOrder[] = [];
let bobOrder: PlacedOrder;

before(async () => {
  h = await startOrders();
  products = await seedProducts(
    h.db,
    Array.from({ length: 6 }, (_, i) => ({
      sku: `SKU-${i}`,
      name: `Product ${i}`,
      priceCents: 100 + i,
      currency: 'EUR',
    })),
  );
  for (let i = 0; i < 25; i++) {
    const order = await placeOrder(h, alice, [
      { productId: products[i % 6]!.id, quantity: 1 + (i % 3) },
      { productId: products[(i + 1) % 6]!.id, quantity: 1 },
    ]);
    aliceOrders.unshift(order);
  }
  bobOrder = await placeOrder(h, bob, [{ productId: products[0]!.id, quantity: 1 }]);
  await h.db.order.update({ where: { id: bobOrder.id }, data: { status: 'CONFIRMED' } });
});
after(() => h.stop());

const ORDER_ENTITIES = /* GraphQL */ `
  query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Order {
        id
        totalCents
        customer {
          id
        }
        items {
          quantity
          product {
            name
          }
        }
        confirmationEmail {
          status
        }
      }
    }
  }
`;

const USER_ORDERS = /* GraphQL */ `
  query ($r: [_Any!]!, $first: Int, $after: String, $status: OrderStatus) {
    _entities(representations: $r) {
      ... on User {
        id
        orders(first: $first, after: $after, status: $status) {
          edges {
            node {
              id
              status
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    }
  }
`;

type EntityOrder = {
  id: string;
  totalCents: number;
  customer: { id: string };
  items: Array<{ quantity: number; product: { name: string } }>;
  confirmationEmail: { status: string };
};
type UserOrders = {
  id: string;
  orders: {
    edges: Array<{ node: { id: string; status: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

const orderRefs = (ids: string[]) => ids.map((id) => ({ __typename: 'Order', id }));
const userRefs = (ids: string[]) => ids.map((id) => ({ __typename: 'User', id }));

async function orderEntities(viewer: Viewer, ids: string[]) {
  return h.call<{ _entities: Array<EntityOrder | null> }>(ORDER_ENTITIES, viewer, {
    r: orderRefs(ids),
  });
}

describe('Order entities', () => {
  it('resolves visible orders with their items and email, null for the rest', async () => {
    const [newest] = aliceOrders;
    const res = await orderEntities(alice, [
      newest!.id,
      bobOrder.id,
      randomUUID(),
      'not-a-uuid',
      newest!.id.toUpperCase(),
    ]);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const expected = {
      id: newest!.id,
      totalCents: newest!.totalCents,
      customer: { id: alice.id },
      items: newest!.items.map((item) => ({
        quantity: item.quantity,
        product: { name: item.product.name },
      })),
      confirmationEmail: { status: 'QUEUED' },
    };
    assert.deepEqual(res.data?._entities, [expected, null, null, null, expected]);
    const byStaff = await orderEntities(admin, [bobOrder.id]);
    assert.equal(byStaff.data?._entities[0]?.id, bobOrder.id);
  });

  it('presents an order without a delivery row as a queued email', async () => {
    const order = await placeOrder(h, carol, [{ productId: products[5]!.id, quantity: 1 }]);
    await h.db.emailDelivery.delete({ where: { orderId: order.id } });
    const res = await h.call<{ _entities: Array<{ confirmationEmail: unknown }> }>(
      /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on Order {
              confirmationEmail {
                status
                attempts
                lastError
                sentAt
              }
            }
          }
        }
      `,
      carol,
      { r: orderRefs([order.id]) },
    );
    assert.deepEqual(res.data?._entities[0]?.confirmationEmail, {
      status: 'QUEUED',
      attempts: 0,
      lastError: null,
      sentAt: null,
    });
  });

  it('needs a viewer', async () => {
    const res = await h.call(ORDER_ENTITIES, null, { r: orderRefs([bobOrder.id]) });
    assert.deepEqual(errorCodes(res), ['UNAUTHENTICATED']);
  });

  it('costs the same number of SQL statements for 5 orders as for 25', async () => {
    const ids = aliceOrders.map((o) => o.id);
    let five: Awaited<ReturnType<typeof orderEntities>> | undefined;
    let all: typeof five;
    const fewer = await h.countQueries(async () => {
      five = await orderEntities(admin, ids.slice(0, 5));
    });
    const more = await h.countQueries(async () => {
      all = await orderEntities(admin, ids);
    });
    assert.equal(five?.errors, undefined, JSON.stringify(five?.errors));
    assert.equal(all?.errors, undefined, JSON.stringify(all?.errors));
    assert.equal(five?.data?._entities.filter(Boolean).length, 5);
    assert.equal(all?.data?._entities.filter(Boolean).length, 25);
    assert.ok(all!.data!._entities.every((o) => o!.items.length === 2));
    assert.equal(more.length, fewer.length, more.join('\n'));
    // Orders, their items, the products and the email deliveries: one query each.
    assert.equal(more.length, 4, more.join('\n'));
  });
});

describe('Product entities', () => {
  it('resolves products for anyone, in one query, null for unknown or malformed ids', async () => {
    const refs = [
      { __typename: 'Product', id: products[0]!.id },
      { __typename: 'Product', id: products[3]!.id },
      { __typename: 'Product', id: randomUUID() },
      { __typename: 'Product', id: 'nope' },
    ];
    let res: Awaited<ReturnType<typeof h.call<{ _entities: unknown[] }>>> | undefined;
    const statements = await h.countQueries(async () => {
      res = await h.call<{ _entities: unknown[] }>(
        /* GraphQL */ `
          query ($r: [_Any!]!) {
            _entities(representations: $r) {
              ... on Product {
                id
                sku
                priceCents
                currency
              }
            }
          }
        `,
        null,
        { r: refs },
      );
    });
    assert.equal(res?.errors, undefined, JSON.stringify(res?.errors));
    assert.deepEqual(res?.data?._entities, [
      { id: products[0]!.id, sku: 'SKU-0', priceCents: 100, currency: 'EUR' },
      { id: products[3]!.id, sku: 'SKU-3', priceCents: 103, currency: 'EUR' },
      null,
      null,
    ]);
    assert.equal(statements.length, 1);
  });
});

describe('User entities', () => {
  it('pages a user’s own orders, newest first, with a status filter', async () => {
    const page1 = await h.call<{ _entities: UserOrders[] }>(USER_ORDERS, alice, {
      r: userRefs([alice.id]),
      first: 10,
    });
    assert.equal(page1.errors, undefined, JSON.stringify(page1.errors));
    const first = page1.data!._entities[0]!;
    assert.equal(first.id, alice.id);
    assert.deepEqual(
      first.orders.edges.map((e) => e.node.id),
      aliceOrders.slice(0, 10).map((o) => o.id),
    );
    assert.equal(first.orders.pageInfo.hasNextPage, true);
    const rest = await h.call<{ _entities: UserOrders[] }>(USER_ORDERS, alice, {
      r: userRefs([alice.id]),
      first: 100,
      after: first.orders.pageInfo.endCursor,
    });
    assert.deepEqual(
      rest.data!._entities[0]!.orders.edges.map((e) => e.node.id),
      aliceOrders.slice(10).map((o) => o.id),
    );
    assert.equal(rest.data!._entities[0]!.orders.pageInfo.hasNextPage, false);
    const confirmed = await h.call<{ _entities: UserOrders[] }>(USER_ORDERS, bob, {
      r: userRefs([bob.id]),
      status: 'CONFIRMED',
    });
    assert.deepEqual(
      confirmed.data!._entities[0]!.orders.edges.map((e) => e.node),
      [{ id: bobOrder.id, status: 'CONFIRMED' }],
    );
    const pending = await h.call<{ _entities: UserOrders[] }>(USER_ORDERS, bob, {
      r: userRefs([bob.id]),
      status: 'PENDING',
    });
    assert.deepEqual(pending.data!._entities[0]!.orders.edges, []);
  });

  it('refuses another customer’s orders as FORBIDDEN', async () => {
    const res = await h.call<{ _entities: Array<UserOrders | null> }>(USER_ORDERS, bob, {
      r: userRefs([alice.id]),
    });
    assert.deepEqual(errorCodes(res), ['FORBIDDEN']);
    assert.equal(JSON.stringify(res.data).includes(aliceOrders[0]!.id), false);
    const anonymous = await h.call(USER_ORDERS, null, { r: userRefs([alice.id]) });
    assert.deepEqual(errorCodes(anonymous), ['UNAUTHENTICATED']);
  });

  it('loads many users’ orders for staff in one SQL statement', async () => {
    let res:
      Awaited<ReturnType<typeof h.call<{ _entities: Array<UserOrders | null> }>>> | undefined;
    const statements = await h.countQueries(async () => {
      res = await h.call<{ _entities: Array<UserOrders | null> }>(USER_ORDERS, staff(), {
        r: userRefs([alice.id, bob.id, randomUUID(), 'not-a-uuid']),
        first: 3,
      });
    });
    assert.equal(res?.errors, undefined, JSON.stringify(res?.errors));
    const [a, b, nobody, malformed] = res!.data!._entities;
    assert.deepEqual(
      a?.orders.edges.map((e) => e.node.id),
      aliceOrders.slice(0, 3).map((o) => o.id),
    );
    assert.equal(a?.orders.pageInfo.hasNextPage, true);
    assert.deepEqual(
      b?.orders.edges.map((e) => e.node.id),
      [bobOrder.id],
    );
    assert.equal(b?.orders.pageInfo.hasNextPage, false);
    assert.deepEqual(nobody?.orders.edges, []);
    assert.equal(malformed, null);
    assert.equal(statements.length, 1, statements.join('\n'));
  });
});
