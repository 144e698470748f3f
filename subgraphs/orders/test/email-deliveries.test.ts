import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Claim } from '@supergraph/email-jobs';
import type { Product } from '@supergraph/prisma/orders';
import { EmailDeliveries } from '../src/data/email-deliveries.ts';
import { placeOrder } from '../src/data/place-order.ts';
import { seedProducts, startOrders, type Harness } from './harness.ts';

let h: Harness;
let mug: Product;
let tea: Product;

before(async () => {
  h = await startOrders();
  [mug, tea] = (await seedProducts(h.db, [
    { sku: 'MUG-1', name: 'Mug', priceCents: 1250, currency: 'EUR' },
    { sku: 'TEA-1', name: 'Tea <b>green</b>', priceCents: 999, currency: 'EUR' },
  ])) as [Product, Product];
});
after(() => h.stop());

async function newOrder(customerId = randomUUID()) {
  const { order } = await placeOrder(h.db, customerId, {
    items: [{ productId: mug.id, quantity: 1 }],
    idempotencyKey: null,
  });
  return order;
}

function delivery(orderId: string) {
  return h.db.emailDelivery.findUniqueOrThrow({ where: { orderId } });
}

function claimed(claim: Claim): string {
  assert.equal(claim.kind, 'claimed', `expected a claim, got ${JSON.stringify(claim)}`);
  return (claim as Extract<Claim, { kind: 'claimed' }>).token;
}

describe('EmailDeliveries ledger', () => {
  it('claims once, is busy for the lease, records the send and is finished after it', async () => {
    const order = await newOrder();
    const ledger = new EmailDeliveries(h.db, h.orderEvents).ledger(order.id);
    const token = claimed(await ledger.claim(60_000));

    const claimedRow = await delivery(order.id);
    assert.equal(claimedRow.status, 'SENDING');
    assert.equal(claimedRow.attempts, 1);
    assert.equal(claimedRow.claimToken, token);

    const second = await ledger.claim(60_000);
    assert.equal(second.kind, 'busy');
    const until = (second as Extract<Claim, { kind: 'busy' }>).until;
    assert.equal(until.getTime(), claimedRow.claimedUntil?.getTime());
    assert.ok(until.getTime() > Date.now() + 50_000, `lease ends ${until.toISOString()}`);
    assert.equal((await delivery(order.id)).attempts, 1, 'a busy claim counts no attempt');

    await ledger.sent(token);
    const sent = await delivery(order.id);
    assert.equal(sent.status, 'SENT');
    assert.ok(sent.sentAt);
    assert.equal(sent.lastError, null);
    assert.equal(sent.claimToken, null);
    assert.equal(sent.claimedUntil, null);

    assert.deepEqual(await ledger.claim(60_000), { kind: 'finished' });
    assert.equal((await delivery(order.id)).attempts, 1);
  });

  it('gives a failed attempt back for a retry, counting it, and ends a final one as FAILED', async () => {
    const order = await newOrder();
    const ledger = new EmailDeliveries(h.db, h.orderEvents).ledger(order.id);

    await ledger.failed(claimed(await ledger.claim(60_000)), 'connection refused', false);
    const retry = await delivery(order.id);
    assert.equal(retry.status, 'QUEUED');
    assert.equal(retry.attempts, 1);
    assert.equal(retry.lastError, 'connection refused');
    assert.equal(retry.claimToken, null);
    assert.equal(retry.claimedUntil, null);

    await ledger.failed(claimed(await ledger.claim(60_000)), 'x'.repeat(5000), true);
    const failed = await delivery(order.id);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.attempts, 2);
    assert.equal(failed.lastError, 'x'.repeat(1000));

    assert.deepEqual(await ledger.claim(60_000), { kind: 'finished' });
    assert.equal((await delivery(order.id)).attempts, 2);
  });

  it('lets an expired claim be taken over, and ignores the old holder afterwards', async () => {
    const order = await newOrder();
    const ledger = new EmailDeliveries(h.db, h.orderEvents).ledger(order.id);
    const stale = claimed(await ledger.claim(20));
    await sleep(100);
    const fresh = claimed(await ledger.claim(60_000));
    assert.notEqual(fresh, stale);
    assert.equal((await delivery(order.id)).attempts, 2);

    await ledger.sent(stale);
    await ledger.failed(stale, 'too late', true);
    const held = await delivery(order.id);
    assert.equal(held.status, 'SENDING');
    assert.equal(held.claimToken, fresh);
    assert.equal(held.lastError, null);

    await ledger.sent(fresh);
    assert.equal((await delivery(order.id)).status, 'SENT');
  });

  it('takes over a SENDING row that has no lease, which no attempt can finish', async () => {
    const order = await newOrder();
    await h.db.emailDelivery.update({
      where: { orderId: order.id },
      data: { status: 'SENDING', claimToken: null, claimedUntil: null },
    });
    const ledger = new EmailDeliveries(h.db, h.orderEvents).ledger(order.id);
    claimed(await ledger.claim(60_000));
  });

  it('is finished for an order that does not exist', async () => {
    const ledger = new EmailDeliveries(h.db, h.orderEvents).ledger(randomUUID());
    assert.deepEqual(await ledger.claim(60_000), { kind: 'finished' });
  });

  it('lets exactly one of many simultaneous claims through', async () => {
    const order = await newOrder();
    const ledger = new EmailDeliveries(h.db, h.orderEvents).ledger(order.id);
    const claims = await Promise.all(Array.from({ length: 6 }, () => ledger.claim(60_000)));
    assert.deepEqual(claims.map((claim) => claim.kind).sort(), [
      'busy',
      'busy',
      'busy',
      'busy',
      'busy',
      'claimed',
    ]);
    assert.equal((await delivery(order.id)).attempts, 1);
  });
});

describe('EmailDeliveries content', () => {
  it('reads the order and its lines in position order, in one query', async () => {
    const customerId = randomUUID();
    // Tea first, although its product was created after the mug's: position decides.
    const { order } = await placeOrder(h.db, customerId, {
      items: [
        { productId: tea.id, quantity: 3 },
        { productId: mug.id, quantity: 2 },
      ],
      idempotencyKey: null,
    });
    let content: Awaited<ReturnType<EmailDeliveries['content']>> = null;
    const statements = await h.countQueries(async () => {
      content = await new EmailDeliveries(h.db, h.orderEvents).content(order.id);
    });
    assert.equal(statements.length, 1);
    assert.deepEqual(content, {
      order: {
        id: order.id,
        customerId,
        status: 'PENDING',
        totalCents: 3 * 999 + 2 * 1250,
        currency: 'EUR',
        createdAt: order.createdAt,
      },
      lines: [
        { name: 'Tea <b>green</b>', sku: 'TEA-1', quantity: 3, unitPriceCents: 999 },
        { name: 'Mug', sku: 'MUG-1', quantity: 2, unitPriceCents: 1250 },
      ],
    });
  });

  it('is null for an order that does not exist', async () => {
    assert.equal(await new EmailDeliveries(h.db, h.orderEvents).content(randomUUID()), null);
  });
});

describe('EmailDeliveries batching', () => {
  it('claims, reads and records many emails in a few statements, not a few per email', async () => {
    const orders = await Promise.all(Array.from({ length: 10 }, () => newOrder()));
    const deliveries = new EmailDeliveries(h.db, h.orderEvents);
    const statements = await h.countQueries(async () => {
      const ledgers = orders.map((order) => deliveries.ledger(order.id));
      const claims = await Promise.all(ledgers.map((ledger) => ledger.claim(60_000)));
      const contents = await Promise.all(orders.map((order) => deliveries.content(order.id)));
      assert.deepEqual(
        contents.map((content) => content?.order.id),
        orders.map((order) => order.id),
      );
      await Promise.all(ledgers.map((ledger, i) => ledger.sent(claimed(claims[i]!))));
    });
    assert.equal(statements.length, 3, statements.join('\n'));
    for (const order of orders) assert.equal((await delivery(order.id)).status, 'SENT');
  });

  it('records a batch of sends only for the tokens that still hold their claims', async () => {
    const [kept, lost] = [await newOrder(), await newOrder()];
    const deliveries = new EmailDeliveries(h.db, h.orderEvents);
    const keptToken = claimed(await deliveries.ledger(kept.id).claim(60_000));
    const staleToken = claimed(await deliveries.ledger(lost.id).claim(20));
    await sleep(100);
    claimed(await deliveries.ledger(lost.id).claim(60_000));
    await Promise.all([
      deliveries.ledger(kept.id).sent(keptToken),
      deliveries.ledger(lost.id).sent(staleToken),
    ]);
    assert.equal((await delivery(kept.id)).status, 'SENT');
    assert.equal((await delivery(lost.id)).status, 'SENDING');
  });
});
