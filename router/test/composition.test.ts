import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SUPERGRAPH_FILE, composeSupergraph } from '../src/compose.ts';

describe('supergraph composition', () => {
  it('the committed supergraph is exactly what the subgraph SDL composes to', () => {
    const committed = readFileSync(SUPERGRAPH_FILE, 'utf8');
    assert.equal(
      committed,
      composeSupergraph(),
      'router/supergraph.graphql is stale: run `npm run compose`',
    );
  });

  it('the supergraph carries every subgraph and the cross-subgraph entities', () => {
    const sdl = composeSupergraph();
    for (const name of ['USERS', 'ORDERS', 'TASKS'])
      assert.match(sdl, new RegExp(`${name} @join__graph`));
    assert.match(sdl, /type User\s+@join__type\(graph: ORDERS, key: "id"\)/);
    assert.match(
      sdl,
      /type Order\s+@join__type\(graph: ORDERS, key: "id"\)\s+@join__type\(graph: TASKS, key: "id"\)/,
    );
  });
});
