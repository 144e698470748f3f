import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { createLogger, createMetrics } from '@supergraph/observability';
import { createEdge } from './edge.ts';
import { parseCidrs } from './ops-access.ts';

const servers: Array<{ close(): Promise<unknown> }> = [];
after(() => Promise.all(servers.map((app) => app.close())));

/** An edge on a loopback port; tests connect from 127.0.0.1. */
async function edgeAt(opsAllowCidrs?: readonly string[]): Promise<string> {
  const app = createEdge({
    logger: createLogger('test', 'silent'),
    metrics: createMetrics('test'),
    ready: async () => ({}),
    opsAllowCidrs,
  });
  servers.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const status = async (url: string, headers: Record<string, string> = {}) =>
  (await fetch(url, { headers })).status;

describe('operational endpoints', () => {
  it('answer /ready and /metrics to loopback and private networks by default', async () => {
    const url = await edgeAt();
    assert.equal(await status(`${url}/health`), 200);
    assert.equal(await status(`${url}/ready`), 200);
    assert.equal(await status(`${url}/metrics`), 200);
  });

  it('are a 404 to a connection outside the allowlist, whatever it claims; /health stays open', async () => {
    const url = await edgeAt(['10.0.0.0/8', 'fc00::/7']);
    assert.equal(await status(`${url}/ready`), 404);
    assert.equal(await status(`${url}/metrics`), 404);
    assert.equal(await status(`${url}/metrics`, { 'x-forwarded-for': '10.1.2.3' }), 404);
    assert.equal(await status(`${url}/health`), 200);
  });

  it('are a 404 to a request a proxy relayed, though the proxy itself is inside', async () => {
    const url = await edgeAt();
    assert.equal(await status(`${url}/metrics`, { 'x-forwarded-for': '203.0.113.9' }), 404);
    assert.equal(await status(`${url}/ready`, { forwarded: 'for=203.0.113.9' }), 404);
  });

  it('take networks in CIDR form only', () => {
    const list = parseCidrs(['127.0.0.0/8', '::1', '2001:db8::/32']);
    assert.equal(list.check('127.9.9.9', 'ipv4'), true);
    assert.equal(list.check('2001:db8:ffff::1', 'ipv6'), true);
    assert.equal(list.check('128.0.0.1', 'ipv4'), false);
    assert.throws(() => parseCidrs(['10.0.0.0/33']), /10\.0\.0\.0\/33/);
    assert.throws(() => parseCidrs(['localhost']), /localhost/);
  });
});
