import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createLogger } from '@supergraph/observability';
import type { MailMessage, Mailer, Recipient } from '@supergraph/mail';
import type { Product } from '@supergraph/prisma/orders';
import {
  DelayedError,
  UnrecoverableError,
  type FulfilmentEvent,
  type Job,
  type OrderRef,
} from '@supergraph/queues';
import { EmailDeliveries } from '../src/data/email-deliveries.ts';
import { placeOrder } from '../src/data/place-order.ts';
import { createOrdersProcessors, type OrdersProcessors } from '../src/jobs/index.ts';
import { seedProducts, startOrders, type Harness } from './harness.ts';

let h: Harness;
let mug: Product;
let processors: OrdersProcessors;
let sent: MailMessage[];
/** What the next send does instead of succeeding. */
let sendFailure: Error | null;
let debugLogs: string[];
const people = new Map<string, Recipient>();

const mailer: Mailer = {
  async send(message) {
    if (sendFailure) throw sendFailure;
    sent.push(message);
  },
  close() {},
};

before(async () => {
  h = await startOrders();
  [mug] = (await seedProducts(h.db, [
    { sku: 'MUG-1', name: 'Mug', priceCents: 1250, currency: 'EUR' },
  ])) as [Product];
  const logger = createLogger('test', 'silent');
  // Records what the processors report at debug level, which the silent logger drops.
  logger.debug = ((_: unknown, message: string) =>
    void debugLogs.push(message)) as typeof logger.debug;
  processors = createOrdersProcessors({
    db: h.db,
    mailer,
    users: { get: async (id) => people.get(id) ?? null },
    mailFrom: 'Shop <no-reply@shop.example>',
    leaseMs: 60_000,
    logger,
    orderEvents: h.orderEvents,
  });
});
after(() => h.stop());
beforeEach(() => {
  sent = [];
  sendFailure = null;
  debugLogs = [];
});

/** The parts of a BullMQ job that deliverOnce reads, on attempt `attemptsMade + 1` of 3. */
function fakeJob<D>(data: D, attemptsMade = 0) {
  const delays: number[] = [];
  const job = {
    data,
    attemptsMade,
    opts: { attempts: 3 },
    async moveToDelayed(timestamp: number) {
      delays.push(timestamp);
    },
  } as unknown as Job<D>;
  return { job, delays };
}

async function newOrder(name = 'Ada') {
  const customerId = randomUUID();
  people.set(customerId, { id: customerId, name, email: `${name.toLowerCase()}@example.com` });
  const { order } = await placeOrder(h.db, customerId, {
    items: [{ productId: mug.id, quantity: 2 }],
    idempotencyKey: null,
  });
  return order;
}

function sendConfirmation(orderId: string, attemptsMade = 0) {
  const { job, delays } = fakeJob<OrderRef>({ orderId }, attemptsMade);
  const run = processors['order-confirmation']['send-confirmation']({ orderId }, job, 'lock');
  return { run, delays };
}

function delivery(orderId: string) {
  return h.db.emailDelivery.findUniqueOrThrow({ where: { orderId } });
}

describe('send-confirmation', () => {
  it('sends the confirmation to the current address once, however often the job runs', async () => {
    const order = await newOrder('Grace');
    await sendConfirmation(order.id).run;
    await sendConfirmation(order.id).run;
    assert.equal(sent.length, 1);
    const [message] = sent;
    assert.deepEqual(message?.to, { name: 'Grace', address: 'grace@example.com' });
    assert.equal(message?.messageId, `<order-confirmation.${order.id}@shop.example>`);
    assert.match(message?.text ?? '', /Mug × 2/);
    const row = await delivery(order.id);
    assert.equal(row.status, 'SENT');
    assert.equal(row.attempts, 1);
    assert.ok(
      debugLogs.some((line) => /skipped/.test(line)),
      JSON.stringify(debugLogs),
    );
  });

  it('gives up for good when the customer no longer exists', async () => {
    const order = await newOrder();
    people.delete(order.customerId);
    await assert.rejects(sendConfirmation(order.id).run, UnrecoverableError);
    assert.equal(sent.length, 0);
    const row = await delivery(order.id);
    assert.equal(row.status, 'FAILED');
    assert.match(row.lastError ?? '', new RegExp(`customer ${order.customerId}`));
  });

  it('leaves a failed send queued for a retry, and fails it on the last attempt', async () => {
    const order = await newOrder();
    sendFailure = new Error('connection refused');
    await assert.rejects(sendConfirmation(order.id, 0).run, /connection refused/);
    const retry = await delivery(order.id);
    assert.equal(retry.status, 'QUEUED');
    assert.equal(retry.lastError, 'connection refused');

    await assert.rejects(sendConfirmation(order.id, 2).run, /connection refused/);
    const last = await delivery(order.id);
    assert.equal(last.status, 'FAILED');
    assert.equal(last.attempts, 2);
  });

  it('waits, without sending, while another attempt holds the send', async () => {
    const order = await newOrder();
    await new EmailDeliveries(h.db, h.orderEvents).ledger(order.id).claim(60_000);
    const { claimedUntil } = await delivery(order.id);
    const { run, delays } = sendConfirmation(order.id);
    await assert.rejects(run, DelayedError);
    assert.deepEqual(delays, [claimedUntil!.getTime() + 100]);
    assert.equal(sent.length, 0);
  });
});

function fulfilment(name: 'fulfilment-started' | 'fulfilment-completed', orderId: string) {
  const data: FulfilmentEvent = { orderId, taskId: randomUUID() };
  return processors['order-fulfilment'][name](data, fakeJob(data).job, 'lock');
}

async function statusOf(orderId: string) {
  return (await h.db.order.findUniqueOrThrow({ where: { id: orderId } })).status;
}

describe('fulfilment events', () => {
  it('confirms a PENDING order when work starts and fulfils it when work completes', async () => {
    const order = await newOrder();
    await fulfilment('fulfilment-started', order.id);
    assert.equal(await statusOf(order.id), 'CONFIRMED');
    assert.deepEqual(debugLogs, []);
    await fulfilment('fulfilment-started', order.id);
    assert.equal(await statusOf(order.id), 'CONFIRMED');
    assert.equal(debugLogs.length, 1);
    await fulfilment('fulfilment-completed', order.id);
    assert.equal(await statusOf(order.id), 'FULFILLED');
  });

  it('fulfils a PENDING order whose start was never reported, and never moves it back', async () => {
    const order = await newOrder();
    await fulfilment('fulfilment-completed', order.id);
    assert.equal(await statusOf(order.id), 'FULFILLED');
    await fulfilment('fulfilment-started', order.id);
    assert.equal(await statusOf(order.id), 'FULFILLED');
    assert.equal(debugLogs.length, 1);
  });

  it('never brings a cancelled order back', async () => {
    const order = await newOrder();
    await h.db.order.update({ where: { id: order.id }, data: { status: 'CANCELLED' } });
    await fulfilment('fulfilment-started', order.id);
    await fulfilment('fulfilment-completed', order.id);
    assert.equal(await statusOf(order.id), 'CANCELLED');
    assert.equal(debugLogs.length, 2);
  });
});
