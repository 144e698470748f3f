import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSystem, type System } from './harness.ts';

let system: System;
let development: string;

before(async () => {
  // The harness allows https://shop.example.com.
  system = await startSystem({ production: true });
  development = await system.addRouter({ production: false });
});
after(() => system.stop());

function preflight(url: string, origin: string) {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization',
    },
  });
}

function post(url: string, origin: string) {
  return fetch(url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

describe('CORS', () => {
  it('lets an allowlisted origin through the preflight, with credentials', async () => {
    const res = await preflight(system.url, 'https://shop.example.com');
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example.com');
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const answer = await post(system.url, 'https://shop.example.com');
    assert.equal(answer.headers.get('access-control-allow-origin'), 'https://shop.example.com');
  });

  it('refuses any other origin in production, localhost included', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:3000', 'null']) {
      const res = await preflight(system.url, origin);
      assert.equal(res.status, 403, origin);
      assert.equal(res.headers.get('access-control-allow-origin'), null, origin);
      const answer = await post(system.url, origin);
      assert.equal(answer.headers.get('access-control-allow-origin'), null, origin);
    }
  });

  it('allows any localhost origin in development, and nothing else', async () => {
    assert.equal((await preflight(development, 'http://localhost:5173')).status, 204);
    assert.equal((await preflight(development, 'http://127.0.0.1:8080')).status, 204);
    assert.equal((await preflight(development, 'https://evil.example')).status, 403);
  });
});
