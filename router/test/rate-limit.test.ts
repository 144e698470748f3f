import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { issueToken, tokenKey } from '@supergraph/auth';
import { createRateLimiter } from '@supergraph/redis';
import { JWT_SECRET, REDIS_URL, startSystem, type System } from './harness.ts';

let system: System;
const LIMIT = 5;

before(async () => {
  system = await startSystem({ production: true, rateLimit: { points: LIMIT, windowSeconds: 60 } });
});
after(() => system.stop());

/** An address of its own for each simulated client, so that reruns never share a window. */
const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function ask(address: string, headers: Record<string, string> = {}) {
  const res = await fetch(system.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...headers },
    body: JSON.stringify({ query: '{ products(first: 1) { edges { cursor } } }' }),
  });
  const body = (await res.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

describe('per-client rate limit', () => {
  it('answers 429 with Retry-After once an address has spent its window', async () => {
    const address = someAddress();
    for (let i = 0; i < LIMIT; i++) assert.equal((await ask(address)).status, 200);
    const refused = await ask(address);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    const retryAfter = Number(refused.retryAfter);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${refused.retryAfter}`);
    assert.equal((await ask(someAddress())).status, 200, 'another address is not limited');
  });

  it('counts an IPv6 client by its /64, and an IPv4-mapped address as IPv4', async () => {
    const hex = () => randomInt(0x10000).toString(16);
    const net = `2001:db8:${hex()}:${hex()}`;
    for (let i = 0; i < LIMIT; i++) {
      assert.equal((await ask(`${net}:${hex()}:${hex()}::${i + 1}`)).status, 200);
    }
    const refused = await ask(`${net}:ffff:ffff:ffff:ffff`);
    assert.equal(refused.status, 429, 'another address of the same /64');
    assert.equal((await ask(`2001:db8:${hex()}:${hex()}::1`)).status, 200, 'another /64');

    const v4 = someAddress();
    for (let i = 0; i < LIMIT; i++) assert.equal((await ask(`::ffff:${v4}`)).status, 200);
    assert.equal((await ask(v4)).status, 429, 'the same client, written as IPv4');
  });

  it('counts a signed-in client by account, wherever it connects from', async () => {
    const viewer = { id: crypto.randomUUID(), role: 'CUSTOMER' as const };
    const token = await issueToken(tokenKey(JWT_SECRET), viewer, 60);
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < LIMIT; i++) assert.equal((await ask(someAddress(), auth)).status, 200);
    assert.equal((await ask(someAddress(), auth)).status, 429);
  });

  it('counts requests with a bad token against their address', async () => {
    const address = someAddress();
    const forged = { authorization: 'Bearer a.b.c' };
    for (let i = 0; i < LIMIT; i++) assert.equal((await ask(address, forged)).status, 401);
    assert.equal((await ask(address, forged)).status, 429);
  });

  it('shares its counters between routers through Redis', async () => {
    const other = await system.addRouter({
      production: true,
      rateLimit: { points: LIMIT, windowSeconds: 60 },
    });
    const address = someAddress();
    for (let i = 0; i < LIMIT; i++) assert.equal((await ask(address)).status, 200);
    const res = await fetch(other, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(res.status, 429);
  });
});

describe('rate limiter without Redis', () => {
  it('keeps limiting in memory while Redis cannot be reached', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    unreachable.on('error', () => {});
    const limiter = createRateLimiter({
      redis: unreachable,
      name: 'offline',
      limit: { points: 2, windowSeconds: 60 },
    });
    assert.deepEqual(await limiter.consume('k'), { allowed: true });
    assert.deepEqual(await limiter.consume('k'), { allowed: true });
    const third = await limiter.consume('k');
    assert.equal(third.allowed, false);
    unreachable.disconnect();
  });

  it('uses the shared counters when Redis answers', async () => {
    const redis = new Redis(REDIS_URL);
    await redis.ping();
    const name = `test-${randomInt(1e9)}`;
    const a = createRateLimiter({ redis, name, limit: { points: 1, windowSeconds: 60 } });
    const b = createRateLimiter({ redis, name, limit: { points: 1, windowSeconds: 60 } });
    assert.deepEqual(await a.consume('k'), { allowed: true });
    assert.equal((await b.consume('k')).allowed, false);
    await redis.quit();
  });
});
