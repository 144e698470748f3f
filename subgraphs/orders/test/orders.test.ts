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
let aliceOrder: PlacedOrder;
let bobOrder: PlacedOrder;

before(async () => {
  h = await startOrders();
  products = await seedProducts(
    h.db,
    Array.from({ length: 5 }, (_, i) => ({
      sku: `SKU-${i}`,
      name: `Product ${i}`,
      priceCents: 100 * (i + 1),
      currency: 'EUR',
    })),
  );
  aliceOrder = await placeOrder(h, alice, [{ productId: products[0]!.id, quantity: 1 }]);
  bobOrder = await placeOrder(h, bob, [{ productId: products[1]!.id, quantity: 2 }]);
});
after(() => h.stop());

const ORDER = /* GraphQL */ `
  query ($id: ID!) {
    order(id: $id) {
      id
      status
      customer {
        id
      }
    }
  }
`;

const ORDERS = /* GraphQL */ `
  query ($first: Int, $after: String, $status: OrderStatus) {
    orders(first: $first, after: $after, status: $status) {
      edges {
        cursor
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
`;

const CANCEL = /* GraphQL */ `
  mutation ($id: ID!) {
    cancelOrder(id: $id) {
      id
      status
    }
  }
`;

type OrdersPage = {
  orders: {
    edges: Array<{ cursor: string; node: { id: string; status: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

async function listIds(viewer: Viewer, variables: Record<string, unknown> = {}) {
  const res = await h.call<OrdersPage>(ORDERS, viewer, { first: 100, ...variables });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!.orders.edges.map((e) => e.node.id);
}

describe('reading orders', () => {
  it('shows a customer their own order and null for anyone else’s', async () => {
    const own = await h.call<{ order: { id: string; customer: { id: string } } }>(ORDER, alice, {
      id: aliceOrder.id,
    });
    assert.deepEqual(own.data?.order, {
      id: aliceOrder.id,
      status: 'PENDING',
      customer: { id: alice.id },
    });
    const other = await h.call(ORDER, bob, { id: aliceOrder.id });
    assert.equal(other.errors, undefined);
    assert.deepEqual(other.data, { order: null });
    const missing = await h.call(ORDER, alice, { id: randomUUID() });
    assert.deepEqual(missing.data, { order: null });
  });

  it('rejects a malformed order id naming the argument', async () => {
    const res = await h.call(ORDER, alice, { id: 'not-a-uuid' });
    assert.deepEqual(errorCodes(res), ['BAD_USER_INPUT']);
    assert.match(res.errors![0]!.message, /^id: /);
  });

  it('lists only a customer’s own orders, and every order for staff and admins', async () => {
    assert.deepEqual(await listIds(alice), [aliceOrder.id]);
    assert.deepEqual(await listIds(bob), [bobOrder.id]);
    for (const viewer of [staff('STAFF'), staff('ADMIN')]) {
      const all = await listIds(viewer);
      assert.ok(all.includes(aliceOrder.id) && all.includes(bobOrder.id));
      const seen = await h.call(ORDER, viewer, { id: aliceOrder.id });
      assert.deepEqual(seen.data, {
        order: { id: aliceOrder.id, status: 'PENDING', customer: { id: alice.id } },
      });
    }
  });

  it('filters by status', async () => {
    const viewer = customer();
    const keep = await placeOrder(h, viewer, [{ productId: products[0]!.id, quantity: 1 }]);
    const drop = await placeOrder(h, viewer, [{ productId: products[1]!.id, quantity: 1 }]);
    await h.call(CANCEL, viewer, { id: drop.id });
    assert.deepEqual(await listIds(viewer, { status: 'CANCELLED' }), [drop.id]);
    assert.deepEqual(await listIds(viewer, { status: 'PENDING' }), [keep.id]);
    assert.deepEqual(await listIds(viewer), [drop.id, keep.id]);
  });

  it('pages newest first with cursors and refuses more than 100 per page', async () => {
    const viewer = customer();
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) {
      placed.push((await placeOrder(h, viewer, [{ productId: products[i]!.id, quantity: 1 }])).id);
    }
    const newestFirst = [...placed].reverse();
    const seen: string[] = [];
    let cursor: string | null = null;
    const hasNext: boolean[] = [];
    do {
      const res: Awaited<ReturnType<typeof h.call<OrdersPage>>> = await h.call<OrdersPage>(
        ORDERS,
        viewer,
        { first: 2, after: cursor },
      );
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      const page = res.data!.orders;
      assert.ok(page.edges.length <= 2);
      seen.push(...page.edges.map((e) => e.node.id));
      hasNext.push(page.pageInfo.hasNextPage);
      assert.equal(page.pageInfo.endCursor, page.edges.at(-1)?.cursor ?? null);
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor);
    assert.deepEqual(seen, newestFirst);
    assert.deepEqual(hasNext, [true, true, false]);

    const tooMany = await h.call(ORDERS, viewer, { first: 101 });
    assert.deepEqual(errorCodes(tooMany), ['BAD_USER_INPUT']);
    assert.match(tooMany.errors![0]!.message, /^first: /);
    const badCursor = await h.call(ORDERS, viewer, { after: 'nope' });
    assert.deepEqual(errorCodes(badCursor), ['BAD_USER_INPUT']);
  });

  it('lists the catalogue to anyone, and nothing else without a viewer', async () => {
    const query = /* GraphQL */ `
      query ($after: String) {
        products(first: 3, after: $after) {
          edges {
            node {
              id
              sku
              name
              priceCents
              currency
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    `;
    type Page = {
      products: {
        edges: Array<{ node: { id: string; priceCents: number; currency: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await h.call<Page>(query, null);
    assert.equal(first.errors, undefined, JSON.stringify(first.errors));
    assert.equal(first.data!.products.pageInfo.hasNextPage, true);
    const second = await h.call<Page>(query, null, {
      after: first.data!.products.pageInfo.endCursor,
    });
    assert.equal(second.data!.products.pageInfo.hasNextPage, false);
    const ids = [...first.data!.products.edges, ...second.data!.products.edges].map(
      (e) => e.node.id,
    );
    assert.deepEqual(ids, products.map((p) => p.id).reverse());
    assert.deepEqual(first.data!.products.edges[0]!.node, {
      id: products[4]!.id,
      sku: 'SKU-4',
      name: 'Product 4',
      priceCents: 500,
      currency: 'EUR',
    });

    for (const [q, vars] of [
      [ORDERS, {}],
      [ORDER, { id: aliceOrder.id }],
      [CANCEL, { id: aliceOrder.id }],
    ] as const) {
      const res = await h.call(q, null, vars);
      assert.deepEqual(errorCodes(res), ['UNAUTHENTICATED']);
    }
  });
});

describe('cancelOrder', () => {
  it('cancels a PENDING order once, then refuses as a CONFLICT naming the status', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [{ productId: products[2]!.id, quantity: 1 }]);
    const res = await h.call<{ cancelOrder: { id: string; status: string } }>(CANCEL, viewer, {
      id: order.id,
    });
    assert.deepEqual(res.data?.cancelOrder, { id: order.id, status: 'CANCELLED' });
    const row = await h.db.order.findUniqueOrThrow({ where: { id: order.id } });
    assert.equal(row.status, 'CANCELLED');
    const again = await h.call(CANCEL, viewer, { id: order.id });
    assert.deepEqual(errorCodes(again), ['CONFLICT']);
    assert.match(again.errors![0]!.message, /CANCELLED/);
  });

  it('cancels a CONFIRMED order but not a FULFILLED one', async () => {
    const viewer = customer();
    const confirmed = await placeOrder(h, viewer, [{ productId: products[0]!.id, quantity: 1 }]);
    const fulfilled = await placeOrder(h, viewer, [{ productId: products[1]!.id, quantity: 1 }]);
    await h.db.order.update({ where: { id: confirmed.id }, data: { status: 'CONFIRMED' } });
    await h.db.order.update({ where: { id: fulfilled.id }, data: { status: 'FULFILLED' } });
    const ok = await h.call<{ cancelOrder: { status: string } }>(CANCEL, viewer, {
      id: confirmed.id,
    });
    assert.equal(ok.data?.cancelOrder.status, 'CANCELLED');
    const refused = await h.call(CANCEL, viewer, { id: fulfilled.id });
    assert.deepEqual(errorCodes(refused), ['CONFLICT']);
    assert.match(refused.errors![0]!.message, /FULFILLED/);
    const row = await h.db.order.findUniqueOrThrow({ where: { id: fulfilled.id } });
    assert.equal(row.status, 'FULFILLED');
  });

  it('treats another customer’s order as not found and leaves it alone; staff may cancel it', async () => {
    const victim = customer();
    const order = await placeOrder(h, victim, [{ productId: products[3]!.id, quantity: 1 }]);
    const res = await h.call(CANCEL, bob, { id: order.id });
    assert.deepEqual(errorCodes(res), ['NOT_FOUND']);
    assert.equal(
      (await h.db.order.findUniqueOrThrow({ where: { id: order.id } })).status,
      'PENDING',
    );
    const missing = await h.call(CANCEL, bob, { id: randomUUID() });
    assert.deepEqual(errorCodes(missing), ['NOT_FOUND']);
    // Word for word what a missing order gets, so that ids of other customers cannot be probed.
    assert.equal(res.errors![0]!.message, `Order ${order.id} was not found.`);
    assert.match(missing.errors![0]!.message, /^Order [0-9a-f-]{36} was not found\.$/);
    const malformed = await h.call(CANCEL, bob, { id: 'not-a-uuid' });
    assert.deepEqual(errorCodes(malformed), ['BAD_USER_INPUT']);
    assert.match(malformed.errors![0]!.message, /^id: /);
    const byStaff = await h.call<{ cancelOrder: { status: string } }>(CANCEL, staff(), {
      id: order.id,
    });
    assert.equal(byStaff.data?.cancelOrder.status, 'CANCELLED');
  });

  it('lets only one of two simultaneous cancellations succeed', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [{ productId: products[4]!.id, quantity: 1 }]);
    const results = await Promise.all([
      h.call(CANCEL, viewer, { id: order.id }),
      h.call(CANCEL, viewer, { id: order.id }),
    ]);
    assert.deepEqual(results.map((r) => errorCodes(r)).sort(), [['CONFLICT'], []].sort());
  });
});
