/**
 * The shop's live updates in a real Chromium, with the real job worker and a real SMTP server
 * behind the router: a customer places an order and, on the order's page and without a reload,
 * watches its confirmation email go out (QUEUED, SENDING, SENT) and the order become
 * CONFIRMED; then staff complete its fulfilment task on All orders, and the customer's page,
 * still open in another browser context, shows FULFILLED. Screenshots are kept under
 * test-results/screenshots/web-live-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEV_ACCOUNTS } from '@supergraph/prisma/seed';
import { SmtpSink, launchBrowser, pageProblems, screenshot, waitUntil } from '@supergraph/testing';
import { orderNumber } from '../src/ids.ts';
import { startShop, type Shop } from './shop.ts';
import { startWorker, type ShopWorker } from './worker.ts';

const customer = DEV_ACCOUNTS.find((a) => a.email === 'customer@example.com')!;
const staff = DEV_ACCOUNTS.find((a) => a.email === 'staff@example.com')!;
/** How long a status may take to arrive: the worker's jobs, and the router's push. */
const LIVE_MS = 20_000;

let browser: Browser | { skip: string };
let shop: Shop | undefined;
let sink: SmtpSink | undefined;
let worker: ShopWorker | undefined;
const contexts: BrowserContext[] = [];

before(async () => {
  browser = await launchBrowser();
  if ('skip' in browser) return;
  shop = await startShop();
  sink = await SmtpSink.start();
});
after(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  if ('close' in browser) await browser.close();
  await worker?.stop();
  await sink?.stop();
  await shop?.stop();
});

async function newPage(): Promise<Page> {
  if ('skip' in browser) throw new Error(browser.skip);
  // A context of its own: its own localStorage, so its own session.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** What went wrong on a page, less the requests urql abandons on leaving a page. */
function problems(page: Page): () => string[] {
  const all = pageProblems(page);
  return () => all.filter((p) => !/net::ERR_ABORTED/.test(p));
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto(`${shop!.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/**
 * Marks the page's window: the mark is gone after any reload or full navigation, so a page
 * that still has it has only been updated in place.
 */
const MARK = 'same-window-since-the-order-was-placed';
async function markWindow(page: Page) {
  await page.evaluate((mark) => {
    (window as unknown as { testMark?: string }).testMark = mark;
  }, MARK);
}
async function assertNotReloaded(page: Page) {
  const mark = await page.evaluate(() => (window as unknown as { testMark?: string }).testMark);
  assert.equal(mark, MARK, 'the page was reloaded');
}

describe('live order updates in the web client, with the job worker', () => {
  let customerPage: Page;
  let customerProblems: () => string[];
  let orderId: string | undefined;

  it('shows a customer, on the order page and without a reload, the email SENT and the order CONFIRMED', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    customerPage = await newPage();
    const page = customerPage;
    customerProblems = problems(page);
    await logIn(page, customer.email, customer.password);
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
    const first = page.getByRole('article').first();
    const product = await first.getByRole('heading').innerText();
    await first.getByRole('button', { name: 'Add to cart' }).click();
    const cart = page.getByRole('complementary', { name: 'Your cart' });
    assert.equal(await cart.getByLabel(`Quantity of ${product}`).inputValue(), '1');
    await cart.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    orderId = page.url().split('/').pop()!;
    await markWindow(page);

    // No worker has run yet: the order is as placed, and the page follows it live.
    const status = page.getByRole('status', { name: 'Order status' });
    await status.getByText('PENDING', { exact: true }).waitFor();
    await status.getByText('QUEUED', { exact: true }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    await page
      .getByRole('row', {
        name: new RegExp(`^${product.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} 1 `),
      })
      .waitFor();
    await screenshot(page, 'web-live-order-placed');

    // The SMTP server holds the message until told, so that the page must show the email
    // being sent, and then sent: two changes that can only reach it pushed by the router.
    sink!.mode = { kind: 'hold' };
    worker = await startWorker(shop!.system, sink!.url);
    await status.getByText('SENDING', { exact: true }).waitFor({ timeout: LIVE_MS });
    await waitUntil(() => sink!.heldCount === 1, { timeoutMs: LIVE_MS, what: 'the held email' });
    assert.equal(await status.getByText('SENT', { exact: true }).count(), 0);
    sink!.mode = { kind: 'accept' };
    sink!.releaseAll();

    await status.getByText('SENT', { exact: true }).waitFor({ timeout: LIVE_MS });
    await status.getByText('CONFIRMED', { exact: true }).waitFor({ timeout: LIVE_MS });
    assert.equal(await status.getByText('PENDING', { exact: true }).count(), 0);
    assert.equal(await status.getByText(/^(QUEUED|SENDING)$/).count(), 0);
    await page.getByText('Live', { exact: true }).waitFor();
    await assertNotReloaded(page);
    await screenshot(page, 'web-live-order-confirmed');

    // One real email, to the customer, about this order.
    const mails = await sink!.waitForAccepted(1);
    assert.equal(mails.length, 1);
    const mail = mails[0]!.parsed!;
    const to = Array.isArray(mail.to) ? mail.to : [mail.to];
    assert.deepEqual(
      to.flatMap((address) => address?.value.map((v) => v.address) ?? []),
      [customer.email],
    );
    assert.equal(mail.subject, `Thank you for your order ${orderNumber(orderId)}`);
    assert.deepEqual(customerProblems(), []);
  });

  it('shows FULFILLED on the customer’s open page once staff complete the fulfilment task', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    assert.ok(orderId, 'the order of the test before');
    const number = orderNumber(orderId);
    const page = await newPage();
    const seen = problems(page);
    await logIn(page, staff.email, staff.password);
    await page.getByRole('link', { name: 'All orders' }).click();
    await page.getByRole('heading', { name: 'All orders' }).waitFor();
    const card = page.getByRole('listitem', { name: `Order ${number}`, exact: true });
    await card.getByText('CONFIRMED', { exact: true }).waitFor();
    await card.getByText(`Fulfil order ${number}`, { exact: true }).waitFor();
    await card.getByText('OPEN', { exact: true }).waitFor();

    await card.getByRole('button', { name: 'Complete' }).click();
    await card.getByText('DONE', { exact: true }).waitFor({ timeout: LIVE_MS });
    await card.getByText('FULFILLED', { exact: true }).waitFor({ timeout: LIVE_MS });
    assert.equal(await card.getByRole('button', { name: 'Complete' }).count(), 0);
    await screenshot(page, 'web-live-staff-completed');
    assert.deepEqual(seen(), []);

    // The customer's page, open all along in its own context, follows without a reload.
    const status = customerPage.getByRole('status', { name: 'Order status' });
    await status.getByText('FULFILLED', { exact: true }).waitFor({ timeout: LIVE_MS });
    assert.equal(await status.getByText('CONFIRMED', { exact: true }).count(), 0);
    await status.getByText('SENT', { exact: true }).waitFor();
    // A fulfilled order can no longer be cancelled.
    await customerPage.getByRole('button', { name: 'Cancel order' }).waitFor({ state: 'detached' });
    await assertNotReloaded(customerPage);
    await screenshot(customerPage, 'web-live-order-fulfilled');

    const order = await shop!.system.orders.order.findUniqueOrThrow({ where: { id: orderId } });
    assert.equal(order.status, 'FULFILLED');
    assert.deepEqual(customerProblems(), []);
  });
});
