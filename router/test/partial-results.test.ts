/**
 * A subgraph that dies takes only its own fields with it: a query gets the other subgraphs'
 * data with an error on the affected path, a mutation to it fails clearly, and the circuit
 * breaker stops calling it until a probe finds it back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postGraphQL, waitUntil } from '@supergraph/testing';
import { startSystem, type System } from './harness.ts';

const HALF_OPEN_MS = 500;
let system: System;
let auth: Record<string, string>;

before(async () => {
  system = await startSystem({
    production: true,
    resilience: { timeoutMs: 2_000, failuresToOpen: 3, halfOpenAfterMs: HALF_OPEN_MS },
  });
  const res = await postGraphQL<{ signUp: { token: string } }>(
    system.url,
    'mutation { signUp(input: { name: "Partial Pat", email: "pat@example.com", password: "a long enough password" }) { token } }',
  );
  auth = { authorization: `Bearer ${res.data!.signUp.token}` };
});
after(() => system.stop());

const ME = '{ me { name orders { edges { node { id } } } } }';
const ask = (query: string) => postGraphQL(system.url, query, { headers: auth });

describe('a subgraph down', () => {
  it('returns the rest of the query, with an error on the affected path', async () => {
    assert.deepEqual((await ask(ME)).data, { me: { name: 'Partial Pat', orders: { edges: [] } } });
    await system.stopSubgraph('orders');
    try {
      const res = await ask(ME);
      assert.equal(res.status, 200);
      assert.deepEqual(res.data, { me: { name: 'Partial Pat', orders: null } });
      assert.deepEqual(res.errors, [
        {
          message: 'The orders service is unavailable; try again shortly.',
          path: ['me', 'orders'],
          extensions: { code: 'SUBGRAPH_UNAVAILABLE' },
        },
      ]);
      const mutation = await ask(
        'mutation { cancelOrder(id: "0190a0a0-0000-7000-8000-000000000001") { id } }',
      );
      assert.equal(mutation.data, null);
      assert.deepEqual(
        mutation.errors?.map((e) => e.extensions?.code),
        ['SUBGRAPH_UNAVAILABLE'],
      );
    } finally {
      await system.restartSubgraph('orders');
    }
  });

  it('opens the circuit after repeated failures, and closes it once a probe succeeds', async () => {
    await system.stopSubgraph('orders');
    let restarted = false;
    try {
      // Enough failures to open the circuit; then calls fail at once, without a connection.
      for (let i = 0; i < 4; i++) await ask(ME);
      await system.restartSubgraph('orders');
      restarted = true;
      const whileOpen = await ask(ME);
      assert.equal(whileOpen.data?.me && (whileOpen.data.me as { orders: unknown }).orders, null);
      assert.equal(whileOpen.errors?.[0]?.extensions?.code, 'SUBGRAPH_UNAVAILABLE');
      // After the half-open delay a probe goes through, succeeds, and the circuit closes.
      await waitUntil(async () => (await ask(ME)).errors === undefined, {
        timeoutMs: HALF_OPEN_MS * 10,
        what: 'the orders circuit to close',
      });
      assert.deepEqual((await ask(ME)).data, {
        me: { name: 'Partial Pat', orders: { edges: [] } },
      });
    } finally {
      if (!restarted) await system.restartSubgraph('orders');
    }
  });
});
