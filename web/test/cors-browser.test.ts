/**
 * The web client calls the router cross-origin. In production the router lets only the origins
 * in CORS_ORIGINS call it, WebSockets included: the shop works from an allowed origin, and from
 * any other one the browser itself refuses the answers. Both against a production router
 * process in front of the real subgraphs, in a real Chromium.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { seedDatabase } from '@supergraph/prisma/seed';
import { startSystem, type System } from '@supergraph/router/testing';
import { spawnRouter, type RouterProcess } from '@supergraph/router/testing/router-process';
import { freePort, launchBrowser, screenshot } from '@supergraph/testing';

const WEB = path.resolve(import.meta.dirname, '..');

let browser: Browser | { skip: string };
let system: System;
const routers: RouterProcess[] = [];
const servers: PreviewServer[] = [];
const outDirs: string[] = [];

before(async () => {
  browser = await launchBrowser();
  if ('skip' in browser) return;
  system = await startSystem();
  await seedDatabase({
    users: system.databaseUrl,
    orders: system.databaseUrl,
    tasks: system.databaseUrl,
  });
});
after(async () => {
  if ('close' in browser) await browser.close();
  for (const server of servers) await server.close();
  for (const router of routers) await router.kill();
  for (const dir of outDirs) await rm(dir, { recursive: true, force: true });
  await system?.stop();
});

/** The client built for a production router that allows `allowed` (the shop's own origin when null). */
async function shopBehind(allowed: string | null): Promise<string> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const router = await spawnRouter(system, { corsOrigins: allowed ?? origin });
  routers.push(router);
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'supergraph-web-cors-'));
  outDirs.push(outDir);
  process.env.VITE_ROUTER_URL = router.url;
  await build({ root: WEB, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  servers.push(
    await preview({
      root: WEB,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port, strictPort: true },
    }),
  );
  return origin;
}

describe('the shop against a production router', () => {
  it('works from an origin in CORS_ORIGINS', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const shop = await shopBehind(null);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${shop}/`);
    await page.getByRole('button', { name: 'Add to cart' }).first().waitFor({ timeout: 15_000 });
    assert.ok((await page.getByRole('button', { name: 'Add to cart' }).count()) > 0);
    await screenshot(page, 'web-cors-allowed');
    await page.close();
  });

  it('is refused by the browser from any other origin, and the page says the catalogue is unavailable', async (t) => {
    if ('skip' in browser) return t.skip(browser.skip);
    const shop = await shopBehind('https://shop.example.com');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/CORS|Access-Control-Allow-Origin/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${shop}/`);
    await page.getByText('The catalogue is unavailable right now.').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByRole('button', { name: 'Add to cart' }).count(), 0);
    assert.ok(refused.length > 0, 'the browser did not report a CORS refusal');
    await screenshot(page, 'web-cors-refused');
    await page.close();
  });
});
