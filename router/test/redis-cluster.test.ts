/**
 * The router on a Redis Cluster of three masters: two routers share their rate-limit counters
 * and persisted queries through it, which only the cluster can give them (each falls back to
 * counters of its own, and to misses, when Redis fails).
 */
import assert from 'node:assert/strict';
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PrivateRedisCluster } from '@supergraph/testing';
import { startSystem, type System } from './harness.ts';

const LIMIT = 5;
const limits = { production: true, rateLimit: { points: LIMIT, windowSeconds: 60 } };

type Answer = { status: number; code: unknown; data: unknown };

async function post(url: string, body: object, address: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as {
    data?: unknown;
    errors?: Array<{ extensions?: { code?: unknown } }>;
  };
  return { status: res.status, code: json.errors?.[0]?.extensions?.code, data: json.data };
}

/** An address of its own for each simulated client. */
const someAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('the router on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let system: System;
  let other: string;

  before(async () => {
    cluster = await PrivateRedisCluster.start();
    system = await startSystem({ ...limits, redis: cluster.target });
    other = await system.addRouter(limits);
  });
  after(async () => {
    await system?.stop();
    await cluster?.stop();
  });

  it('is ready', async () => {
    const res = await fetch(`${system.routerBase}/ready`);
    assert.equal(res.status, 200, await res.text());
  });

  it('counts a client once across routers, in the cluster', async () => {
    const address = someAddress();
    const query = { query: '{ __typename }' };
    for (let i = 0; i < LIMIT; i++)
      assert.equal((await post(system.url, query, address)).status, 200);
    const refused = await post(other, query, address);
    assert.equal(refused.status, 429);
    assert.equal(refused.code, 'RATE_LIMITED');
    assert.equal((await post(other, query, someAddress())).status, 200);
  });

  it('serves a persisted query registered through one router by hash through the other', async () => {
    const text = `query Q${randomUUID().replaceAll('-', '')} { __typename }`;
    const extensions = {
      persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(text).digest('hex') },
    };
    assert.equal(
      (await post(other, { extensions }, someAddress())).code,
      'PERSISTED_QUERY_NOT_FOUND',
    );
    const registered = await post(system.url, { query: text, extensions }, someAddress());
    assert.deepEqual(registered, { status: 200, code: undefined, data: { __typename: 'Query' } });
    // Registration is written in the background; the other router finds it shortly.
    let hit: Answer | undefined;
    for (let i = 0; i < 50 && (!hit || hit.code); i++) {
      if (hit) await new Promise((resolve) => setTimeout(resolve, 20));
      hit = await post(other, { extensions }, someAddress());
    }
    assert.deepEqual(hit, registered);
  });
});
