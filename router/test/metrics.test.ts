import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { metricSample, postGraphQL } from '@supergraph/testing';
import { seedProducts, startSystem, type System } from './harness.ts';

let system: System;

before(async () => {
  system = await startSystem({
    production: true,
    resilience: { timeoutMs: 2_000, failuresToOpen: 2, halfOpenAfterMs: 60_000 },
  });
  await seedProducts(system);
});
after(() => system.stop());

/** The value of one series, from Prometheus text; NaN when there is none. */
const value = (text: string, name: string, labels: Record<string, string>) =>
  metricSample(text, name, labels) ?? Number.NaN;

describe('router metrics', () => {
  it('counts operations, subgraph calls and circuit state after traffic', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await postGraphQL(
        system.url,
        'query Catalogue { products(first: 2) { edges { cursor } } }',
      );
      assert.equal(res.errors, undefined);
    }
    await postGraphQL(system.url, 'query Broken { me { id } }', {
      headers: { authorization: 'Bearer nope' },
    });
    // Two failed calls open the tasks circuit.
    await system.stopSubgraph('tasks');
    try {
      for (let i = 0; i < 3; i++) await postGraphQL(system.url, '{ tasks { edges { cursor } } }');
    } finally {
      await system.restartSubgraph('tasks');
    }
    const text = await (await fetch(`${system.routerBase}/metrics`)).text();
    assert.equal(
      value(text, 'graphql_operations_total', { operation: 'Catalogue', outcome: 'success' }),
      3,
    );
    assert.ok(
      value(text, 'graphql_operation_duration_seconds_count', { operation: 'Catalogue' }) >= 3,
    );
    assert.ok(
      value(text, 'subgraph_fetch_duration_seconds_count', {
        subgraph: 'orders',
        outcome: 'success',
      }) >= 3,
    );
    assert.ok(
      value(text, 'subgraph_fetch_errors_total', { subgraph: 'tasks', reason: 'connection' }) >= 2,
    );
    assert.ok(
      value(text, 'subgraph_fetch_errors_total', { subgraph: 'tasks', reason: 'circuit_open' }) >=
        1,
    );
    assert.equal(value(text, 'subgraph_circuit_state', { subgraph: 'tasks' }), 1);
    assert.equal(value(text, 'subgraph_circuit_state', { subgraph: 'orders' }), 0);
    assert.ok(
      value(text, 'http_request_duration_seconds_count', { method: 'POST', status: '200' }) >= 3,
    );
    assert.match(text, /^process_cpu_seconds_total\{service="router"\} \d/m);
  });
});
