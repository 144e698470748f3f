import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSystem, type System } from './harness.ts';

let system: System;

before(async () => {
  system = await startSystem({ production: true });
});
after(() => system.stop());

describe('errors in production', () => {
  it('masks an internal failure in a subgraph: no message, stack or subgraph name', async () => {
    // Break the catalogue underneath the orders subgraph, as a failed migration would.
    await system.orders.$executeRawUnsafe('ALTER TABLE orders.products RENAME TO products_gone');
    try {
      const res = await fetch(system.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products(first: 1) { edges { node { name } } } }' }),
      });
      const text = await res.text();
      assert.ok(res.status < 500, `status ${res.status}`);
      const body = JSON.parse(text) as { errors: Array<Record<string, unknown>> };
      assert.deepEqual(body.errors, [
        {
          message: 'Internal server error.',
          path: ['products'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
      assert.doesNotMatch(text, /products_gone|relation|prisma|stack|orders|127\.0\.0\.1/i);
    } finally {
      await system.orders.$executeRawUnsafe('ALTER TABLE orders.products_gone RENAME TO products');
    }
  });

  it('gives no schema hints in validation errors', async () => {
    const res = await fetch(system.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ product { name } }' }),
    });
    const text = await res.text();
    assert.equal(res.status, 400);
    assert.match(text, /GRAPHQL_VALIDATION_FAILED/);
    assert.doesNotMatch(text, /Did you mean/);
  });
});
