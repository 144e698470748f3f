import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PROOF_HEADER } from '@supergraph/auth';
import { createSubgraphFetcher, READ_HEADER } from '../src/subgraph-fetcher.ts';

let server: http.Server;
let url: string;
const seen: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
const { fetcher, close } = createSubgraphFetcher({
  connectionsPerSubgraph: 4,
  resilience: { timeoutMs: 5_000, failuresToOpen: 5, halfOpenAfterMs: 1_000 },
});

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      // Answer slowly, so that concurrent requests overlap.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { n: seen.length } }));
      }, 30);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
after(async () => {
  await close();
  server.close();
});

const call = (body: string, proof: string, read: boolean) =>
  fetcher(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [PROOF_HEADER]: proof,
      ...(read ? { [READ_HEADER]: '1' } : {}),
    },
    body,
  });

describe('subgraph fetcher', () => {
  it('shares one call among identical reads in flight, and strips its marker', async () => {
    seen.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => call('{"query":"{ me { id } }"}', 'proof-a', true)),
    );
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers[READ_HEADER], undefined);
    assert.equal(seen[0]!.headers[PROOF_HEADER], 'proof-a');
    for (const answer of answers) assert.deepEqual(await answer.json(), { data: { n: 1 } });
  });

  it("never shares between callers, nor mutations, nor calls that don't overlap", async () => {
    seen.length = 0;
    await Promise.all([
      call('{"query":"{ me { id } }"}', 'proof-a', true),
      call('{"query":"{ me { id } }"}', 'proof-b', true),
      call('{"query":"mutation { m }"}', 'proof-a', false),
      call('{"query":"mutation { m }"}', 'proof-a', false),
    ]);
    assert.equal(seen.length, 4);
    await call('{"query":"{ me { id } }"}', 'proof-a', true);
    assert.equal(seen.length, 5);
  });
});
