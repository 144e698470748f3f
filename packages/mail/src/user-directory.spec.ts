import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createUserDirectory } from './user-directory.ts';

type Answer = { status: number; body: unknown } | 'hang';

/** A users subgraph that answers each `_entities` request as the test says. */
let answer: (ids: string[]) => Answer;
let server: Server;
let url: string;

before(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { variables: { representations: Array<{ id: string }> } };
      const reply = answer(body.variables.representations.map((r) => r.id));
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const directory = (timeoutMs?: number) =>
  createUserDirectory({ usersUrl: url, subgraphSecret: 's'.repeat(32), timeoutMs });
const user = (id: string) => ({ id, name: `User ${id}`, email: `${id}@example.com` });

describe('createUserDirectory', () => {
  it('answers null only for a user that resolved to null without an error', async () => {
    answer = (ids) => ({ status: 200, body: { data: { _entities: ids.map(() => null) } } });
    assert.equal(await directory().get('gone'), null);
  });

  it('fails, retryably, the lookups a partial error touches, and answers the rest', async () => {
    answer = (ids) => ({
      status: 200,
      body: {
        data: { _entities: ids.map((id) => (id === 'ok' ? user(id) : null)) },
        errors: [
          { message: 'connection pool timed out', path: ['_entities', ids.indexOf('broken')] },
        ],
      },
    });
    const users = directory();
    const [ok, broken] = await Promise.allSettled([users.get('ok'), users.get('broken')]);
    assert.deepEqual(ok, { status: 'fulfilled', value: user('ok') });
    assert.equal(broken.status, 'rejected');
    assert.match(String(broken.reason), /connection pool timed out/);
  });

  it('fails every null when an error names no entity', async () => {
    answer = (ids) => ({
      status: 200,
      body: { data: { _entities: ids.map(() => null) }, errors: [{ message: 'database down' }] },
    });
    await assert.rejects(directory().get('maybe'), /database down/);
  });

  it('fails on an HTTP error and on a timeout', async () => {
    answer = () => ({ status: 503, body: {} });
    await assert.rejects(directory().get('a'), /HTTP 503/);
    answer = () => 'hang';
    await assert.rejects(directory(200).get('a'), /timeout|aborted/i);
  });
});
