/**
 * The shop as a customer and staff use it, in a real Chromium, against the real router and
 * subgraphs: the catalogue, logging in (and a wrong password), the cart and Place order, My
 * orders, an order's page, to-dos, signing up, staff completing a fulfilment task, an expired
 * session, and a subgraph that is down. A screenshot of each page is kept under
 * test-results/screenshots/web-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { DEV_ACCOUNTS } from '@supergraph/prisma/seed';
import { launchBrowser, pageProblems, screenshot } from '@supergraph/testing';
import { orderNumber } from '../src/ids.ts';
import { startShop, type Shop } from './shop.ts';

const customer = DEV_ACCOUNTS.find((a) => a.email === 'customer@example.com')!;
const staff = DEV_ACCOUNTS.find((a) => a.email === 'staff@example.com')!;

let browser: Browser | { skip: string };
let shop: Shop;
const contexts: BrowserContext[] = [];

before(async () => {
  browser = await launchBrowser();
  if ('skip' in browser) return;
  shop = await startShop();
});
after(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  if ('close' in browser) await browser.close();
  await shop?.stop();
});

async function newPage(): Promise<Page> {
  if ('skip' in browser) throw new Error(browser.skip);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/**
 * What went wrong on a page, less what is expected: requests the page itself abandoned (urql
 * cancels a query whose page or client went away, as on logging in or out), and the router's
 * 401 for a refused token where a test sends one. The live link's WebSocket counts: the router
 * serves it.
 */
function problems(page: Page, { allow401 = false } = {}): () => string[] {
  const all = pageProblems(page);
  return () =>
    all.filter(
      (p) =>
        !/net::ERR_ABORTED/.test(p) &&
        !(allow401 && (/^HTTP 401/.test(p) || /status of 401/.test(p))),
    );
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto(`${shop.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

const product = (page: Page, name: string) => page.getByRole('article', { name, exact: true });

describe('the web client', () => {
  it('shows the catalogue to anyone, a page at a time, each product with Add to cart', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await newPage();
    const seen = problems(page);
    await page.goto(shop.url);
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
    const articles = page.getByRole('article');
    await articles.first().waitFor();
    const firstPage = await articles.evaluateAll((els) =>
      els.map((e) => e.querySelector('h2')!.textContent),
    );
    assert.equal(firstPage.length, 12);
    assert.equal(await page.getByRole('button', { name: 'Add to cart' }).count(), 12);
    assert.ok(await page.getByRole('button', { name: 'Previous page' }).isDisabled());
    await screenshot(page, 'web-catalogue');

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2').waitFor();
    // Page 1's products may stay until page 2's arrive; evaluateAll does not wait.
    await articles.nth(8).waitFor({ state: 'detached' });
    await articles.nth(7).waitFor();
    const secondPage = await articles.evaluateAll((els) =>
      els.map((e) => e.querySelector('h2')!.textContent),
    );
    assert.equal(secondPage.length, 8);
    assert.equal(await page.getByRole('button', { name: 'Add to cart' }).count(), 8);
    assert.ok(await page.getByRole('button', { name: 'Next page' }).isDisabled());
    const names = new Set([...firstPage, ...secondPage]);
    assert.equal(names.size, 20, 'every seeded product, once');
    assert.ok(names.has('Federation Mug') && names.has('Ergonomic Chair'));

    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText('Page 1').waitFor();
    assert.deepEqual(seen(), []);
  });

  it('says "Wrong email or password." by the form when the password is wrong', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await newPage();
    const seen = problems(page);
    await logIn(page, customer.email, 'not the password');
    const message = page.getByText('Wrong email or password.');
    await message.waitFor();
    assert.ok(await page.getByRole('form').or(page.locator('form')).first().isVisible());
    assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 0);
    assert.equal(new URL(page.url()).pathname, '/login');
    await screenshot(page, 'web-login-wrong-password');
    assert.deepEqual(seen(), []);
  });

  describe('a seeded customer', () => {
    let page: Page;
    let orderId: string;
    let seen: () => string[];

    before(async () => {
      if ('skip' in browser) return;
      page = await newPage();
      seen = problems(page);
      await logIn(page, customer.email, customer.password);
      await page.getByRole('button', { name: 'Log out' }).waitFor();
    });

    it('adds to the cart and places one order, even on a double click', async (t) => {
      if ('skip' in browser) return t.skip(browser.skip);
      await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
      // evaluateAll does not wait: the products first.
      await page.getByRole('article').nth(1).waitFor();
      const names = await page
        .getByRole('article')
        .evaluateAll((els) => els.slice(0, 2).map((e) => e.querySelector('h2')!.textContent!));
      const [first, second] = names as [string, string];
      await product(page, first).getByRole('button', { name: 'Add to cart' }).click();
      await product(page, first).getByRole('button', { name: 'Add to cart' }).click();
      await product(page, second).getByRole('button', { name: 'Add to cart' }).click();
      const cart = page.getByRole('complementary', { name: 'Your cart' });
      assert.equal(await cart.getByLabel(`Quantity of ${first}`).inputValue(), '2');
      assert.equal(await cart.getByLabel(`Quantity of ${second}`).inputValue(), '1');
      await screenshot(page, 'web-cart');

      // Every placeOrder the page sends: the cart sends one however often it is clicked.
      const placeOrders: string[] = [];
      const onRequest = (request: Request) => {
        if (request.method() === 'POST' && /\bplaceOrder\b/.test(request.postData() ?? '')) {
          placeOrders.push(request.postData()!);
        }
      };
      page.on('request', onRequest);
      await cart.getByRole('button', { name: 'Place order' }).dblclick();
      await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
      orderId = page.url().split('/').pop()!;
      const status = page.getByRole('status', { name: 'Order status' });
      await status.getByText(/^(PENDING|CONFIRMED|FULFILLED)$/).waitFor();
      await status.getByText(/^(QUEUED|SENDING|SENT|FAILED)$/).waitFor();
      await page.getByRole('row', { name: new RegExp(`^${first} 2 `) }).waitFor();
      await page.getByText('Thank you! Your order has been placed.').waitFor();
      await screenshot(page, 'web-order');

      // One request, so none is still on its way; and one order in the orders database
      // besides the seed's: this one.
      page.off('request', onRequest);
      assert.equal(placeOrders.length, 1, 'a double click sends one placeOrder');
      const orders = await shop.system.orders.order.findMany({
        where: { idempotencyKey: { not: { startsWith: 'seed-' } } },
      });
      assert.equal(orders.length, 1, 'a double click places one order');
      assert.equal(orders[0]!.id, orderId);

      await page.getByRole('link', { name: /^Catalogue/ }).click();
      await page.getByText('Your cart is empty.').waitFor();
    });

    it('sees the order in My orders with its status and its email status', async (t) => {
      if ('skip' in browser) return t.skip(browser.skip);
      await page.getByRole('link', { name: 'My orders' }).click();
      await page.getByRole('heading', { name: 'My orders' }).waitFor();
      const number = orderNumber(orderId);
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: number }) });
      await row.waitFor();
      assert.match(await row.innerText(), /PENDING|CONFIRMED|FULFILLED/);
      assert.match(await row.innerText(), /QUEUED|SENDING|SENT|FAILED/);
      // The seed's three orders and the new one.
      assert.equal(await page.locator('table.orders tbody tr').count(), 4);
      await page.getByText('FULFILLED').first().waitFor();
      await screenshot(page, 'web-my-orders');
    });

    it('keeps to-dos: adds one with a due date, completes it, deletes it', async (t) => {
      if ('skip' in browser) return t.skip(browser.skip);
      await page.getByRole('link', { name: 'My to-dos' }).click();
      await page.getByRole('heading', { name: 'My to-dos' }).waitFor();
      await page.getByLabel('Title').fill('Buy gift wrap');
      await page.getByLabel('Due date (optional)').fill('2030-06-01T10:00');
      await page.getByRole('button', { name: 'Add to-do' }).click();
      const open = page.getByRole('region', { name: /^To do/ });
      const todo = open.getByRole('listitem', { name: 'Buy gift wrap' });
      await todo.waitFor();
      assert.match(await todo.innerText(), /Due .*2030/);
      await screenshot(page, 'web-todos');

      await todo.getByRole('button', { name: 'Complete' }).click();
      const done = page
        .getByRole('region', { name: /^Done/ })
        .getByRole('listitem', { name: 'Buy gift wrap' });
      await done.getByText('DONE', { exact: true }).waitFor();
      await done.getByRole('button', { name: 'Delete' }).click();
      await done.waitFor({ state: 'detached' });
      assert.deepEqual(seen(), []);
    });
  });

  it('signs a new customer up, who has no orders yet', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await newPage();
    const seen = problems(page);
    await page.goto(shop.url);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Name').fill('Nia New');
    await page.getByLabel('Email').fill('nia@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await screenshot(page, 'web-sign-up');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();

    await page.getByRole('link', { name: 'My orders' }).click();
    await page.getByText('You have no orders yet.').waitFor();
    await screenshot(page, 'web-my-orders-empty');
    await page.getByRole('link', { name: 'My to-dos' }).click();
    await page.getByText('Nothing to do. Add a to-do above.').waitFor();
    await page.getByText('No finished to-dos yet.').waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('supergraph.session')), null);
    assert.deepEqual(seen(), []);
  });

  it('lets staff see every order and complete its fulfilment task', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await newPage();
    const seen = problems(page);
    await logIn(page, staff.email, staff.password);
    await page.getByRole('link', { name: 'All orders' }).click();
    await page.getByRole('heading', { name: 'All orders' }).waitFor();
    const cards = page.locator('.staff-orders > li.staff-order');
    await cards.first().waitFor();
    // Both seeded customers' three orders, and the one placed above.
    assert.equal(await cards.count(), 7);
    const open = cards.filter({ has: page.getByRole('button', { name: 'Complete' }) }).first();
    const name = await open.getByRole('heading').innerText();
    await screenshot(page, 'web-staff-orders');

    await open.getByRole('button', { name: 'Complete' }).first().click();
    const card = page.getByRole('listitem', { name });
    await card.locator('.fulfilment').filter({ hasText: 'DONE' }).first().waitFor();
    assert.deepEqual(seen(), []);
  });

  it('sends someone whose token is no longer valid back to log in, with a message', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await newPage();
    const seen = problems(page, { allow401: true });
    const forge = () =>
      page.evaluate(() =>
        localStorage.setItem(
          'supergraph.session',
          JSON.stringify({
            token: 'expired.or.forged',
            user: { id: 'x', name: 'Old Session', email: 'old@example.com', role: 'CUSTOMER' },
          }),
        ),
      );
    await page.goto(shop.url);
    // From a page that needs the session, and from the public catalogue alike.
    for (const where of ['/orders', '/']) {
      await forge();
      await page.goto(shop.url + where);
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      await page.getByText('Your session has ended. Log in again to carry on.').waitFor();
      assert.equal(await page.evaluate(() => localStorage.getItem('supergraph.session')), null);
    }
    await screenshot(page, 'web-session-ended');
    // Logging in takes them back to where they were.
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(customer.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Catalogue' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    assert.deepEqual(seen(), []);
  });

  it('shows "Orders are unavailable right now." when the orders service is down, and the rest of the page', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await newPage();
    const seen = problems(page);
    await logIn(page, customer.email, customer.password);
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await shop.system.stopSubgraph('orders');
    try {
      await page.getByRole('link', { name: 'My orders' }).click();
      await page.getByText('Orders are unavailable right now.').waitFor();
      // The rest of the page is there: the header with who is signed in and the navigation,
      // the page's heading, and the table the orders would be in.
      const header = page.getByRole('banner');
      assert.ok(await header.getByText(customer.name, { exact: true }).isVisible(), 'the name');
      assert.ok(await header.getByRole('button', { name: 'Log out' }).isVisible(), 'signed in');
      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const name of ['Catalogue', 'My orders', 'My to-dos']) {
        assert.ok(await nav.getByRole('link', { name, exact: true }).isVisible(), name);
      }
      assert.ok(await page.getByRole('heading', { name: 'My orders' }).isVisible());
      for (const name of ['Order', 'Placed', 'Items', 'Total', 'Status', 'Confirmation email']) {
        const column = page.getByRole('columnheader', { name, exact: true });
        assert.ok(await column.isVisible(), `the ${name} column`);
      }
      assert.equal(await page.getByRole('alert').count(), 0, 'no error besides the notice');
      await screenshot(page, 'web-orders-unavailable');
      // Other services' pages still work.
      await nav.getByRole('link', { name: 'My to-dos' }).click();
      await page.getByRole('heading', { name: 'My to-dos' }).waitFor();
      await page.getByRole('listitem', { name: 'Check the delivery' }).first().waitFor();
      // The page never broke: the router answered every request with what it had.
      assert.deepEqual(seen(), []);
    } finally {
      await shop.system.restartSubgraph('orders');
    }
  });
});
