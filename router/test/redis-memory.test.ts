/**
 * The router's /ready and /metrics against a Redis of the test's own, whose maxmemory the test
 * sets: with `noeviction`, a Redis at its limit refuses every write, so readiness turns first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { metricSample, PrivateRedis } from '@supergraph/testing';
import { startSystem, type System } from './harness.ts';

let redis: PrivateRedis;
let admin: Redis;
let system: System;

before(async () => {
  redis = await PrivateRedis.start();
  admin = new Redis(redis.url);
  system = await startSystem({ redis: redis.url });
});
after(async () => {
  await system?.stop();
  admin?.disconnect();
  await redis?.stop();
});

const usedMemory = async () => Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))?.[1]);

async function readiness() {
  const res = await fetch(`${system.routerBase}/ready`);
  return { status: res.status, body: (await res.json()) as { failures?: Record<string, string> } };
}

async function ratio() {
  const text = await (await fetch(`${system.routerBase}/metrics`)).text();
  return metricSample(text, 'redis_memory_used_ratio');
}

describe('Redis memory alarm', () => {
  it('is quiet while Redis has no maxmemory', async () => {
    await admin.config('SET', 'maxmemory', '0');
    assert.equal((await readiness()).status, 200);
    assert.equal(await ratio(), 0);
  });

  it('fails /ready naming redis above 90% of maxmemory, and shows the ratio', async () => {
    // A limit just above what Redis holds now: over 90% used, writes not yet refused.
    await admin.config('SET', 'maxmemory', String(Math.ceil((await usedMemory()) * 1.05)));
    const { status, body } = await readiness();
    assert.equal(status, 503, JSON.stringify(body));
    assert.match(
      body.failures?.redis ?? '',
      /used_memory is \d+\.\d% of maxmemory, above the alarm at 90\.0%/,
    );
    const used = await ratio();
    assert.ok(used !== undefined && used > 0.9 && used <= 1, String(used));
  });

  it('is ready again once Redis has room', async () => {
    await admin.config('SET', 'maxmemory', String((await usedMemory()) * 4));
    assert.equal((await readiness()).status, 200);
    const used = await ratio();
    assert.ok(used !== undefined && used < 0.5, String(used));
  });
});
