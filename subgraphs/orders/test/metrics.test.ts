/**
 * The orders subgraph's /metrics after real signed requests: database statements by kind,
 * pool connections, resolver timings, operations by name and outcome, and process metrics.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOperationLabeler, statementKind } from '@supergraph/observability';
import type { Product } from '@supergraph/prisma/orders';
import { metricSamples } from '@supergraph/testing';
import { customer, placeOrder, seedProducts, startOrders, type Harness } from './harness.ts';

/** The sum of a metric's samples whose labels include all of `labels`; NaN when there are none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const values = metricSamples(text, name, labels);
  return values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0);
}

const PRODUCTS = /* GraphQL */ `
  query Products {
    products(first: 2) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;

const PRODUCT_ENTITIES = /* GraphQL */ `
  query ProductEntities($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Product {
        name
      }
    }
  }
`;

describe('orders metrics', () => {
  let h: Harness;
  let products: Product[];
  before(async () => {
    h = await startOrders();
    products = await seedProducts(h.db, [
      { sku: 'M-1', name: 'Metered 1', priceCents: 100, currency: 'EUR' },
      { sku: 'M-2', name: 'Metered 2', priceCents: 200, currency: 'EUR' },
    ]);
  });
  after(() => h.stop());

  it('exports database, resolver, operation and process series', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await h.call(PRODUCTS, null);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    }
    await placeOrder(h, customer(), [{ productId: products[0]!.id, quantity: 1 }]);
    const entities = await h.call(PRODUCT_ENTITIES, null, {
      r: products.map((p) => ({ __typename: 'Product', id: p.id })),
    });
    assert.equal(entities.errors, undefined, JSON.stringify(entities.errors));
    const forbidden = await h.call('query Forbidden { orders { edges { cursor } } }', null);
    assert.ok(forbidden.errors);
    // Refused before its operation is resolved, so counted without a name the client did not send.
    const invalid = await h.call('query Invalid { noSuchField }', null);
    assert.ok(invalid.errors);

    const res = await fetch(new URL('/metrics', h.url));
    assert.equal(res.status, 200);
    const text = await res.text();
    const select = { statement: 'SELECT', service: 'orders' };
    assert.ok(sample(text, 'db_query_duration_seconds_count', select) > 0);
    assert.ok(sample(text, 'db_query_duration_seconds_sum', select) > 0);
    assert.ok(sample(text, 'db_query_duration_seconds_count', { statement: 'INSERT' }) > 0);
    assert.ok(sample(text, 'db_pool_connections', { state: 'total' }) > 0);
    assert.ok(sample(text, 'db_pool_connections', { state: 'idle' }) >= 0);
    assert.equal(sample(text, 'db_pool_connections', { state: 'waiting' }), 0);
    assert.equal(sample(text, 'db_pool_max'), 4);

    const field = (name: string) =>
      sample(text, 'graphql_resolver_duration_seconds_count', { field: name });
    assert.ok(field('Query.products') >= 3);
    assert.ok(field('Mutation.placeOrder') > 0);
    assert.equal(field('Product.__resolveReference'), products.length);
    // Fields read straight off their parent, and federation's own entry points, are not timed.
    assert.ok(Number.isNaN(field('Product.name')));
    assert.ok(Number.isNaN(field('Query._entities')));

    const operations = (operation: string, outcome: string) =>
      sample(text, 'graphql_operations_total', { operation, outcome });
    assert.equal(operations('Products', 'success'), 3);
    assert.equal(operations('ProductEntities', 'success'), 1);
    assert.equal(operations('Forbidden', 'error'), 1);
    assert.equal(operations('anonymous', 'error'), 1);
    assert.ok(Number.isNaN(operations('Products', 'error')));

    assert.ok(sample(text, 'process_cpu_user_seconds_total') > 0);
    assert.ok(sample(text, 'nodejs_heap_size_used_bytes') > 0);
    assert.ok(sample(text, 'http_request_duration_seconds_count', { status: '200' }) > 0);
  });
});

describe('statement kinds', () => {
  it('labels a statement by its verb, from a fixed set', () => {
    assert.equal(
      statementKind('SELECT "orders"."products"."id" FROM "orders"."products"'),
      'SELECT',
    );
    assert.equal(statementKind('  \n\tselect 1'), 'SELECT');
    assert.equal(statementKind('(SELECT 1) UNION (SELECT 2)'), 'SELECT');
    assert.equal(statementKind('/* a comment */ INSERT INTO t VALUES (1)'), 'INSERT');
    assert.equal(statementKind('-- why\nUPDATE t SET updated_at = now()'), 'UPDATE');
    assert.equal(statementKind('DELETE FROM t'), 'DELETE');
    assert.equal(statementKind('BEGIN'), 'BEGIN');
    assert.equal(statementKind('COMMIT'), 'COMMIT');
    assert.equal(statementKind('ROLLBACK'), 'ROLLBACK');
    assert.equal(statementKind('SAVEPOINT s1'), 'other');
    assert.equal(statementKind('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE'), 'other');
    assert.equal(statementKind(''), 'other');
    assert.equal(statementKind('42'), 'other');
  });

  it('labels a WITH statement by its first write, else as a read', () => {
    assert.equal(
      statementKind('WITH o AS (INSERT INTO o VALUES (1) RETURNING *) SELECT * FROM o'),
      'INSERT',
    );
    assert.equal(
      statementKind('WITH lock AS (SELECT 1) INSERT INTO t SELECT 1 FROM lock'),
      'INSERT',
    );
    assert.equal(
      statementKind('with x as (select id from t) update t set updated_at = now()'),
      'UPDATE',
    );
    assert.equal(statementKind('WITH x AS (SELECT * FROM t FOR UPDATE) SELECT * FROM x'), 'SELECT');
    assert.equal(
      statementKind('WITH x AS (SELECT * FROM t FOR NO KEY UPDATE) DELETE FROM t'),
      'DELETE',
    );
    assert.equal(statementKind('WITH x AS (SELECT 1) SELECT * FROM x'), 'SELECT');
  });

  it('stays fast on input made to backtrack', () => {
    const started = performance.now();
    statementKind(`${' '.repeat(50_000)}1`);
    statementKind(`${'--'.repeat(50_000)}`);
    statementKind(`${'('.repeat(50_000)}1`);
    assert.ok(performance.now() - started < 100);
  });
});

describe('operation labels', () => {
  it('keeps the first names, then counts the rest as other', () => {
    const label = createOperationLabeler(2);
    assert.equal(label(undefined), 'anonymous');
    assert.equal(label('A'), 'A');
    assert.equal(label('not a name!'), 'other');
    assert.equal(label('B'), 'B');
    assert.equal(label('C'), 'other');
    assert.equal(label('A'), 'A');
    assert.equal(label('x'.repeat(65)), 'other');
  });
});
