import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@supergraph/config';
import { Safelist } from '../src/persisted-queries/safelist.ts';
import { seedProducts, startSystem, type System } from './harness.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

type Body = { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };

async function send(url: string, body: Record<string, unknown>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });
const code = (body: Body) => body.errors?.[0]?.extensions?.code;

let system: System;

before(async () => {
  system = await startSystem({ production: true });
  await seedProducts(system);
});
after(() => system.stop());

describe('automatic persisted queries', () => {
  it('registers a query through one router and serves it by hash through another', async () => {
    // A unique text, so that no earlier run has registered it already.
    const query = `query Catalogue${randomUUID().replaceAll('-', '')} { products(first: 2) { edges { node { name } } } }`;
    const hash = sha256(query);
    const other = await system.addRouter({ production: true });

    const miss = await send(other, { extensions: persisted(hash) });
    assert.equal(code(miss.body), 'PERSISTED_QUERY_NOT_FOUND');

    const registered = await send(system.url, { query, extensions: persisted(hash) });
    assert.equal(registered.status, 200);
    assert.equal(registered.body.errors, undefined);

    // Registration is written in the background; the other router finds it shortly.
    let hit: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 50 && (!hit || hit.body.errors); i++) {
      hit = await send(other, { extensions: persisted(hash) });
      if (hit.body.errors) await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(hit?.body, registered.body);
  });

  it('refuses a hash that does not match the query, and registers nothing for it', async () => {
    const query = `{ products(first: 1) { edges { cursor } } }`;
    const wrong = sha256(`${query} `);
    const res = await send(system.url, { query, extensions: persisted(wrong) });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors?.[0]?.message, 'provided sha does not match query');
    const lookup = await send(system.url, { extensions: persisted(wrong) });
    assert.equal(code(lookup.body), 'PERSISTED_QUERY_NOT_FOUND');
  });

  it('checks the limits of a query when it is registered', async () => {
    const query = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: products { pageInfo { hasNextPage } }`).join(' ')} }`;
    const res = await send(system.url, { query, extensions: persisted(sha256(query)) });
    assert.equal(code(res.body), 'MAX_ALIASES_LIMIT');
    const lookup = await send(system.url, { extensions: persisted(sha256(query)) });
    assert.equal(code(lookup.body), 'PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('persisted query registrations per client', () => {
  it('refuses registrations beyond the quota of an address, and keeps nothing for them', async () => {
    const limited = await system.addRouter({
      production: true,
      persistedQueries: {
        mode: 'apq',
        ttlSeconds: 60,
        registrations: { points: 3, windowSeconds: 60 },
      },
    });
    const run = randomUUID().replaceAll('-', '');
    const from = async (address: string, body: Record<string, unknown>) => {
      const res = await fetch(limited, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify(body),
      });
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: (await res.json()) as Body,
      };
    };
    const register = (address: string, n: number) => {
      const query = `query Q${run}n${n} { __typename }`;
      return from(address, { query, extensions: persisted(sha256(query)) });
    };
    const hex = () => randomUUID().slice(0, 4);
    const net = `2001:db8:${hex()}:${hex()}`;
    for (let n = 0; n < 3; n++) {
      const ok = await register(`${net}::${n + 1}`, n);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    }
    // Lookups by hash alone register nothing, and are not counted.
    const lookup = await from(`${net}::9`, {
      extensions: persisted(sha256(`query Q${run}n0 { __typename }`)),
    });
    assert.equal(lookup.status, 200, JSON.stringify(lookup.body));

    const refused = await register(`${net}::4`, 3);
    assert.equal(refused.status, 429);
    assert.equal(code(refused.body), 'PERSISTED_QUERY_REGISTRATION_LIMITED');
    assert.match(refused.retryAfter ?? '', /^[1-9]\d*$/);
    const notKept = await from(`2001:db8:${hex()}::1`, {
      extensions: persisted(sha256(`query Q${run}n3 { __typename }`)),
    });
    assert.equal(code(notKept.body), 'PERSISTED_QUERY_NOT_FOUND');

    // Another client still registers.
    assert.equal((await register(`2001:db8:${hex()}::1`, 4)).status, 200);
  });
});

describe('safelist', () => {
  const registered = /* GraphQL */ `
    query Products {
      products(first: 2) {
        edges {
          node {
            name
          }
        }
      }
    }
  `;
  let url: string;

  before(async () => {
    url = await system.addRouter({
      production: true,
      persistedQueries: { mode: 'safelist', safelist: new Safelist([registered]) },
    });
  });

  it('serves a registered operation by hash, by its text, and by the same text reformatted', async () => {
    const byHash = await send(url, { extensions: persisted(sha256(registered)) });
    assert.equal(byHash.status, 200);
    assert.equal(byHash.body.errors, undefined);
    assert.deepEqual((await send(url, { query: registered })).body, byHash.body);
    const reformatted =
      '# the catalogue\nquery Products { products(first: 2) { edges { node { name } } } }';
    assert.deepEqual((await send(url, { query: reformatted })).body, byHash.body);
  });

  it('refuses any other operation, by text or by hash, even a harmless one', async () => {
    const other = '{ products(first: 1) { edges { cursor } } }';
    const byText = await send(url, { query: other });
    assert.equal(byText.status, 400);
    assert.equal(code(byText.body), 'QUERY_NOT_IN_SAFELIST');
    const registering = await send(url, { query: other, extensions: persisted(sha256(other)) });
    assert.equal(code(registering.body), 'QUERY_NOT_IN_SAFELIST');
    const byHash = await send(url, { extensions: persisted(sha256(other)) });
    assert.equal(code(byHash.body), 'PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('stops start-up on a manifest it cannot use, naming the variable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'safelist-'));
    const file = path.join(dir, 'manifest.json');
    writeFileSync(file, JSON.stringify({ operations: [{ id: 'x', body: '{ broken' }] }));
    assert.throws(
      () => Safelist.fromManifest(file, 'SAFELIST_PATH'),
      (error: unknown) =>
        error instanceof ConfigError && error.message.startsWith('SAFELIST_PATH: operation 0'),
    );
    assert.throws(
      () => Safelist.fromManifest(path.join(dir, 'missing.json'), 'SAFELIST_PATH'),
      ConfigError,
    );
  });
});
