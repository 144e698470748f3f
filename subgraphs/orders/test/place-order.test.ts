import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Product } from '@supergraph/prisma/orders';
import { errorCodes } from '@supergraph/testing';
import {
  PLACE_ORDER,
  customer,
  placeOrder,
  seedProducts,
  startOrders,
  type Harness,
  type ItemInput,
} from './harness.ts';

let h: Harness;
let mug: Product;
let tea: Product;
let dollarHat: Product;
let yacht: Product;

before(async () => {
  h = await startOrders();
  [mug, tea, dollarHat, yacht] = (await seedProducts(h.db, [
    { sku: 'MUG-1', name: 'Mug', priceCents: 1250, currency: 'EUR' },
    { sku: 'TEA-1', name: 'Tea', priceCents: 999, currency: 'EUR' },
    { sku: 'HAT-1', name: 'Hat', priceCents: 2000, currency: 'USD' },
    { sku: 'YACHT-1', name: 'Yacht', priceCents: 3_000_000, currency: 'EUR' },
  ])) as [Product, Product, Product, Product];
});
after(() => h.stop());

describe('placeOrder', () => {
  it('prices every item from the catalogue and starts the order PENDING with a queued email', async () => {
    const viewer = customer();
    const order = await placeOrder(h, viewer, [
      { productId: mug.id, quantity: 2 },
      { productId: tea.id, quantity: 1 },
    ]);
    assert.equal(order.totalCents, 2 * 1250 + 999);
    assert.equal(order.currency, 'EUR');
    assert.equal(order.status, 'PENDING');
    assert.equal(order.customer.id, viewer.id);
    assert.deepEqual(order.items, [
      { product: { id: mug.id, name: 'Mug' }, quantity: 2, unitPriceCents: 1250 },
      { product: { id: tea.id, name: 'Tea' }, quantity: 1, unitPriceCents: 999 },
    ]);
    assert.deepEqual(order.confirmationEmail, {
      status: 'QUEUED',
      attempts: 0,
      lastError: null,
      sentAt: null,
    });
    assert.ok(Math.abs(Date.parse(order.createdAt) - Date.now()) < 60_000);
    const rows = await h.db.order.findMany({ where: { customerId: viewer.id } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.totalCents, 3499);
  });

  it('keeps the price an order was placed at when the catalogue changes', async () => {
    const viewer = customer();
    const first = await placeOrder(h, viewer, [{ productId: tea.id, quantity: 3 }]);
    await h.db.product.update({ where: { id: tea.id }, data: { priceCents: 1099 } });
    try {
      const second = await placeOrder(h, viewer, [{ productId: tea.id, quantity: 3 }]);
      assert.equal(second.totalCents, 3 * 1099);
      const reread = await h.call<{ order: { totalCents: number; items: unknown[] } }>(
        /* GraphQL */ `
          query ($id: ID!) {
            order(id: $id) {
              totalCents
              items {
                unitPriceCents
              }
            }
          }
        `,
        viewer,
        { id: first.id },
      );
      assert.deepEqual(reread.data?.order, {
        totalCents: 3 * 999,
        items: [{ unitPriceCents: 999 }],
      });
    } finally {
      await h.db.product.update({ where: { id: tea.id }, data: { priceCents: 999 } });
    }
  });

  it('returns the same order for a repeated idempotency key, in any item order', async () => {
    const viewer = customer();
    const items = [
      { productId: mug.id, quantity: 1 },
      { productId: tea.id, quantity: 4 },
    ];
    const first = await placeOrder(h, viewer, items, 'checkout-1');
    const again = await placeOrder(h, viewer, items, 'checkout-1');
    const reordered = await placeOrder(h, viewer, [...items].reverse(), 'checkout-1');
    assert.equal(again.id, first.id);
    assert.equal(reordered.id, first.id);
    assert.deepEqual(again, first);
    assert.equal(
      await h.db.order.count({ where: { customerId: viewer.id, idempotencyKey: 'checkout-1' } }),
      1,
    );
    assert.equal(await h.db.order.count({ where: { customerId: viewer.id } }), 1);
  });

  it('refuses a repeated idempotency key with different items as a CONFLICT', async () => {
    const viewer = customer();
    const first = await placeOrder(h, viewer, [{ productId: mug.id, quantity: 1 }], 'k-2');
    const res = await h.call(PLACE_ORDER, viewer, {
      input: { items: [{ productId: mug.id, quantity: 2 }], idempotencyKey: 'k-2' },
    });
    assert.deepEqual(errorCodes(res), ['CONFLICT']);
    assert.match(res.errors![0]!.message, /idempotencyKey/);
    const rows = await h.db.order.findMany({ where: { customerId: viewer.id } });
    assert.deepEqual(
      rows.map((r) => r.id),
      [first.id],
    );
  });

  it('scopes idempotency keys to the customer', async () => {
    const a = await placeOrder(h, customer(), [{ productId: mug.id, quantity: 1 }], 'shared');
    const b = await placeOrder(h, customer(), [{ productId: mug.id, quantity: 1 }], 'shared');
    assert.notEqual(a.id, b.id);
  });

  it('creates one order when the same key races in parallel', async () => {
    const viewer = customer();
    const items = [{ productId: tea.id, quantity: 2 }];
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.call<{ placeOrder: { id: string } }>(PLACE_ORDER, viewer, {
          input: { items, idempotencyKey: 'race' },
        }),
      ),
    );
    for (const res of results) assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const ids = new Set(results.map((res) => res.data?.placeOrder.id));
    assert.equal(ids.size, 1);
    assert.equal(await h.db.order.count({ where: { customerId: viewer.id } }), 1);
  });

  const invalid: Array<{
    name: string;
    items: () => ItemInput[];
    key?: string;
    field: RegExp;
  }> = [
    { name: 'no items', items: () => [], field: /^input\.items: / },
    {
      name: '51 items',
      items: () => Array.from({ length: 51 }, () => ({ productId: randomUUID(), quantity: 1 })),
      field: /^input\.items: /,
    },
    {
      name: 'a zero quantity',
      items: () => [
        { productId: mug.id, quantity: 1 },
        { productId: tea.id, quantity: 1 },
        { productId: yacht.id, quantity: 0 },
      ],
      field: /^input\.items\[2\]\.quantity: /,
    },
    {
      name: 'a quantity over 1000',
      items: () => [{ productId: mug.id, quantity: 1001 }],
      field: /^input\.items\[0\]\.quantity: /,
    },
    {
      name: 'a malformed product id',
      items: () => [{ productId: 'not-a-uuid', quantity: 1 }],
      field: /^input\.items\[0\]\.productId: /,
    },
    {
      name: 'a product listed twice',
      items: () => [
        { productId: mug.id, quantity: 1 },
        { productId: mug.id.toUpperCase(), quantity: 2 },
      ],
      field: /^input\.items\[1\]\.productId: /,
    },
    {
      name: 'an unknown product',
      items: () => [
        { productId: mug.id, quantity: 1 },
        { productId: randomUUID(), quantity: 1 },
      ],
      field: /^input\.items\[1\]\.productId: no such product/,
    },
    {
      name: 'mixed currencies',
      items: () => [
        { productId: mug.id, quantity: 1 },
        { productId: dollarHat.id, quantity: 1 },
      ],
      field: /^input\.items\[1\]\.productId: .*currency/,
    },
    {
      name: 'a total beyond a 32-bit Int',
      items: () => [{ productId: yacht.id, quantity: 716 }],
      field: /^input\.items: .*total/,
    },
    {
      name: 'an empty idempotency key',
      items: () => [{ productId: mug.id, quantity: 1 }],
      key: '',
      field: /^input\.idempotencyKey: /,
    },
    {
      name: 'a 129-character idempotency key',
      items: () => [{ productId: mug.id, quantity: 1 }],
      key: 'k'.repeat(129),
      field: /^input\.idempotencyKey: /,
    },
  ];

  for (const { name, items, key, field } of invalid) {
    it(`rejects ${name} as BAD_USER_INPUT naming the field, creating nothing`, async () => {
      const viewer = customer();
      const res = await h.call(PLACE_ORDER, viewer, {
        input: { items: items(), idempotencyKey: key },
      });
      assert.deepEqual(errorCodes(res), ['BAD_USER_INPUT']);
      assert.match(res.errors![0]!.message, field);
      assert.equal(await h.db.order.count({ where: { customerId: viewer.id } }), 0);
    });
  }

  it('accepts the limits themselves: 1000 of an item, a 128-character key, a total of 2^31-1', async () => {
    const viewer = customer();
    const order = await placeOrder(
      h,
      viewer,
      [{ productId: mug.id, quantity: 1000 }],
      'k'.repeat(128),
    );
    assert.equal(order.totalCents, 1_250_000);
    const [exact] = await seedProducts(h.db, [
      { sku: 'MAX-1', name: 'Max', priceCents: 2_147_483_647, currency: 'EUR' },
    ]);
    const max = await placeOrder(h, viewer, [{ productId: exact!.id, quantity: 1 }]);
    assert.equal(max.totalCents, 2_147_483_647);
  });

  it('requires a signed-in customer', async () => {
    const before = await h.db.order.count();
    const res = await h.call(PLACE_ORDER, null, {
      input: { items: [{ productId: mug.id, quantity: 1 }] },
    });
    assert.deepEqual(errorCodes(res), ['UNAUTHENTICATED']);
    assert.equal(await h.db.order.count(), before);
  });
});
