import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeCursor, encodeCursor, parsePage, toConnection } from './pagination.ts';

const id = (n: number) => `0190a0a0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
  return 'no error';
};

describe('pagination', () => {
  it('defaults first to 20 and refuses values outside 0..100', () => {
    assert.deepEqual(parsePage({}), { first: 20, afterId: null });
    assert.equal(parsePage({ first: 100 }).first, 100);
    assert.equal(
      code(() => parsePage({ first: 101 })),
      'BAD_USER_INPUT',
    );
    assert.equal(
      code(() => parsePage({ first: -1 })),
      'BAD_USER_INPUT',
    );
  });

  it('round-trips cursors and refuses forged ones', () => {
    assert.equal(decodeCursor(encodeCursor(id(7))), id(7));
    assert.equal(
      code(() => decodeCursor('garbage')),
      'BAD_USER_INPUT',
    );
    assert.equal(
      code(() => decodeCursor(Buffer.from("c1:' OR 1=1").toString('base64url'))),
      'BAD_USER_INPUT',
    );
  });

  it('builds a page from first + 1 rows', () => {
    const rows = [1, 2, 3].map((n) => ({ id: id(n) }));
    const full = toConnection(rows, { first: 2, afterId: null });
    assert.equal(full.edges.length, 2);
    assert.equal(full.pageInfo.hasNextPage, true);
    assert.equal(full.pageInfo.endCursor, encodeCursor(id(2)));
    const last = toConnection(rows.slice(0, 2), { first: 2, afterId: null });
    assert.equal(last.pageInfo.hasNextPage, false);
    assert.deepEqual(toConnection([], { first: 5, afterId: null }).pageInfo, {
      hasNextPage: false,
      endCursor: null,
    });
  });
});

describe('uuid7', () => {
  it('makes version-7 ids that sort by creation time', async () => {
    const { uuid7 } = await import('./uuid7.ts');
    const early = uuid7(1_700_000_000_000);
    const late = uuid7(1_700_000_000_001);
    assert.match(early, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(early < late);
    const burst = Array.from({ length: 5000 }, () => uuid7(1_800_000_000_000));
    assert.deepEqual([...burst].sort(), burst, 'ids of one millisecond keep their order');
    assert.equal(new Set(burst).size, burst.length);
  });
});
