/** The production static server of the web client (scripts/serve.ts), on a temporary dist. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createStaticServer } from '../scripts/serve.ts';

let dist: string;
let base: string;
let close: () => Promise<void>;

before(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'web-dist-'));
  await mkdir(path.join(dist, 'assets'));
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Shop</title>');
  await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(dist, 'favicon.svg'), '<svg/>');
  await writeFile(path.join(os.tmpdir(), 'outside-web-dist.txt'), 'secret');
  const server = createStaticServer(dist);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
after(async () => {
  await close();
  await rm(dist, { recursive: true, force: true });
  await rm(path.join(os.tmpdir(), 'outside-web-dist.txt'), { force: true });
});

describe('the web client server', () => {
  it('serves index.html for the client routes, never cached', async () => {
    for (const route of ['/', '/orders', '/orders/0190a0a0-0000-7000-8000-000000000001']) {
      const res = await fetch(base + route);
      assert.equal(res.status, 200, route);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(await res.text(), /<title>Shop<\/title>/);
    }
  });

  it('serves hashed assets for a year, other files with their type', async () => {
    const js = await fetch(`${base}/assets/index-abc123.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type')!, /text\/javascript/);
    assert.match(js.headers.get('cache-control')!, /immutable/);
    assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
    const svg = await fetch(`${base}/favicon.svg`);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  });

  it('answers 404 for a missing asset, and nothing outside dist', async () => {
    assert.equal((await fetch(`${base}/assets/gone.js`)).status, 404);
    assert.equal((await fetch(`${base}/missing.png`)).status, 404);
    const escape = await fetch(`${base}/%2e%2e/outside-web-dist.txt`);
    assert.notEqual(await escape.text(), 'secret');
  });

  it('answers /health, and refuses methods other than GET and HEAD', async () => {
    assert.equal((await fetch(`${base}/health`)).status, 200);
    assert.equal((await fetch(base, { method: 'POST' })).status, 405);
  });
});
