/**
 * The router as its own production process: SIGTERM while a slow request is in flight lets
 * that request complete, refuses new connections, then exits 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, waitUntil } from '@supergraph/testing';
import { REDIS_URL } from './harness.ts';

const ENTRY = path.resolve(import.meta.dirname, '../src/index.ts');
const SLOW_MS = 1_500;

/** A users service that answers `me` slowly, as a subgraph under load would. */
let slow: http.Server;
let slowUrl: string;

before(async () => {
  slow = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { me: { id: '1', name: 'Slow Sam' } } }));
      }, SLOW_MS),
    );
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/graphql`;
});
after(() => slow.close());

describe('router shutdown', () => {
  it('finishes the request in flight on SIGTERM, then exits 0', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        ROUTER_PORT: String(port),
        REDIS_URL,
        USERS_URL: slowUrl,
        ORDERS_URL: slowUrl,
        TASKS_URL: slowUrl,
        JWT_SECRET: 'shutdown-1oofr7-5gfX8Ha9zICoG_G8yYKj7ewo_VycUqhjP',
        SUBGRAPH_SECRET: 'shutdown-LPB3XWHbp7lJTyJUd7Lhcyr5GxS983rdfYzlLMxB',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = once(child, 'exit');
    const base = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${base}/health`).catch(() => null))?.ok, {
      timeoutMs: 30_000,
      what: 'the router to start',
    });
    const started = Date.now();
    const inFlight = fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id name } }' }),
    });
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS / 3));
    child.kill('SIGTERM');

    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { me: { id: '1', name: 'Slow Sam' } } });
    assert.ok(Date.now() - started >= SLOW_MS);
    const [code] = await exited;
    assert.equal(code, 0);
    await assert.rejects(fetch(`${base}/health`), 'no longer listening');
  });
});
