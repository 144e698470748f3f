import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoaderFamily, createGroupLoader, createRowLoader, uniqueUuids } from './batch-loaders.ts';

const A = '0190a0a0-0000-7000-8000-00000000000a';
const B = '0190a0a0-0000-7000-8000-00000000000b';

describe('batch loaders', () => {
  it('keeps distinct lower-cased UUIDs only', () => {
    assert.deepEqual(uniqueUuids([A, A.toUpperCase(), 'nope', B]), [A, B]);
  });

  it('answers a batch with one fetch, case-insensitively, null for unknown or malformed keys', async () => {
    const calls: string[][] = [];
    const loader = createRowLoader(
      async (ids) => {
        calls.push(ids);
        return ids.filter((id) => id === A).map((id) => ({ id, name: 'a' }));
      },
      (row) => row.id,
    );
    const results = await Promise.all([
      loader.load(A.toUpperCase()),
      loader.load(B),
      loader.load('x'),
    ]);
    assert.deepEqual(results, [{ id: A, name: 'a' }, null, null]);
    assert.deepEqual(calls, [[A, B]]);
  });

  it('never fetches when no key is a UUID', async () => {
    let fetched = false;
    const loader = createGroupLoader(
      async () => {
        fetched = true;
        return [];
      },
      () => null,
    );
    assert.deepEqual(await loader.load('not-a-uuid'), []);
    assert.equal(fetched, false);
  });

  it('groups rows per key in fetch order', async () => {
    const loader = createGroupLoader(
      async () => [
        { owner: A, n: 1 },
        { owner: B, n: 2 },
        { owner: A, n: 3 },
      ],
      (row) => row.owner,
    );
    assert.deepEqual(
      (await Promise.all([loader.load(A), loader.load(B)])).map((rows) => rows.map((r) => r.n)),
      [[1, 3], [2]],
    );
  });

  it('gives each distinct argument set its own loader, and the same set the same one', () => {
    const family = new LoaderFamily((args: { first: number }) =>
      createGroupLoader(
        async () => [],
        () => String(args.first),
      ),
    );
    assert.equal(family.for({ first: 5 }), family.for({ first: 5 }));
    assert.notEqual(family.for({ first: 5 }), family.for({ first: 6 }));
  });
});
