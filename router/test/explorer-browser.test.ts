/**
 * The offline explorer and the landing page in a real Chromium, against the real router and
 * subgraphs: the page and every file it loads come from the router, a query typed into the
 * editor runs, and its answer shows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, pageProblems, screenshot } from '@supergraph/testing';
import { seedProducts, startSystem, type System } from './harness.ts';

let system: System;
let browser: Browser | { skip: string };

before(async () => {
  browser = await launchBrowser();
  system = await startSystem();
  await seedProducts(system);
});
after(async () => {
  if ('close' in browser) await browser.close();
  await system.stop();
});

describe('the offline explorer in a browser', () => {
  it('renders GraphiQL, runs a query typed into its editor and shows the answer', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = pageProblems(page);
    const offsite: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(system.routerBase)) offsite.push(request.url());
    });

    await page.goto(`${system.routerBase}/graphiql`);
    const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
    await editor.waitFor({ timeout: 20_000 });
    // Typing before the editor holds its first document would type into nothing.
    await editor.getByText('mutation').first().waitFor({ timeout: 20_000 });
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // Inserted as one piece of text, so that the editor does not close brackets a second time.
    await page.keyboard.insertText(
      'query TypedInBrowser { products(first: 5) { edges { node { name priceCents } } } }',
    );
    // GraphiQL names the tab after the operation once the edit reached its state; before that,
    // Execute would offer the default document's two operations to choose from.
    await page.getByRole('tab', { name: 'TypedInBrowser' }).waitFor();
    await page.getByRole('button', { name: /execute query/i }).click();

    const response = page.locator('.graphiql-response');
    await response
      .getByText('"T-Shirt"')
      .waitFor({ timeout: 30_000 })
      .catch(async (error: unknown) => {
        await screenshot(page, 'graphiql-failed');
        throw error;
      });
    // The editor renders spaces as no-break spaces.
    const shown = (await response.innerText()).replaceAll('\u00a0', ' ');
    assert.match(shown, /"Mug"/);
    assert.match(shown, /"priceCents": 1250/);
    assert.doesNotMatch(shown, /"errors"/);
    await screenshot(page, 'graphiql');

    assert.deepEqual(problems, [], 'the page loads and runs without errors or failed requests');
    assert.deepEqual(offsite, [], 'nothing is loaded from outside the router');
    await page.close();
  });

  it('shows the schema it fetched by introspection in the documentation explorer', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems = pageProblems(page);
    await page.goto(`${system.routerBase}/graphiql`);
    await page.getByRole('button', { name: /show documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).click();
    await page.locator('.graphiql-doc-explorer').getByText('products').first().waitFor();
    await screenshot(page, 'graphiql-docs');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('links the Sandbox landing page to the explorer, for whoever cannot load Sandbox', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Sandbox's script comes from Apollo's CDN, which the test machine cannot reach either.
    await page.goto(`${system.routerBase}/graphql`);
    const link = page.getByRole('link', { name: /open the bundled graphiql/i });
    await link.waitFor();
    await screenshot(page, 'landing-page');
    await link.click();
    await page.waitForURL(`${system.routerBase}/graphiql`);
    await page
      .locator('.graphiql-query-editor .monaco-editor')
      .first()
      .waitFor({ timeout: 20_000 });
    await page.close();
  });
});
