import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { asRouter, errorCodes, postGraphQL } from '@supergraph/testing';
import {
  LOG_IN,
  SECRET,
  SIGN_UP,
  randomEmail,
  randomIp,
  startUsers,
  type UsersSubgraph,
} from './harness.ts';

let users: UsersSubgraph;
let url: string;

before(async () => {
  users = await startUsers();
  url = users.url;
});
after(() => users.stop());

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function signUp(email: string, name = 'Ada') {
  const res = await postGraphQL<{ signUp: { token: string; user: { id: string; role: string } } }>(
    url,
    SIGN_UP,
    {
      variables: { input: { name, email, password: 'correct horse battery' } },
      headers: asRouter(SECRET, null),
    },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!.signUp;
}

describe('users subgraph', () => {
  it('signs up a customer with a lower-cased email and a signed token', async () => {
    const { token, user } = await signUp('Ada@Example.COM');
    assert.equal(user.role, 'CUSTOMER');
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const again = await postGraphQL(url, SIGN_UP, {
      variables: {
        input: { name: 'Other', email: 'ada@example.com', password: 'another password' },
      },
      headers: asRouter(SECRET, null),
    });
    assert.deepEqual(errorCodes(again), ['CONFLICT']);
  });

  it('logs in with the right password only, with one error for both failures', async () => {
    await signUp('grace@example.com', 'Grace');
    const ok = await postGraphQL<{ logIn: { user: { email: string } } }>(url, LOG_IN, {
      variables: { e: 'GRACE@example.com', p: 'correct horse battery' },
      headers: asRouter(SECRET, null),
    });
    assert.equal(ok.data?.logIn.user.email, 'grace@example.com');
    const wrong = await postGraphQL(url, LOG_IN, {
      variables: { e: 'grace@example.com', p: 'wrong password' },
      headers: asRouter(SECRET, null),
    });
    const unknown = await postGraphQL(url, LOG_IN, {
      variables: { e: 'nobody@example.com', p: 'wrong password' },
      headers: asRouter(SECRET, null),
    });
    assert.deepEqual(errorCodes(wrong), ['UNAUTHENTICATED']);
    // The whole answer, message and code alike, tells nothing about which emails exist.
    assert.deepEqual(unknown, wrong);
  });

  it('takes as long to refuse an unknown email as a wrong password', async () => {
    const email = randomEmail('timing');
    await users.signUp(email);
    const ip = randomIp();
    const time = async (address: string) => {
      const started = performance.now();
      const res = await users.logIn(address, 'wrong password', ip);
      assert.deepEqual(errorCodes(res), ['UNAUTHENTICATED']);
      return performance.now() - started;
    };
    // Warm-up: the dummy hash for unknown emails is made on first use.
    await time(randomEmail('nobody'));
    await time(email);
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      wrong.push(await time(email));
      unknown.push(await time(randomEmail('nobody')));
    }
    const [w, u] = [median(wrong), median(unknown)];
    assert.ok(
      Math.max(w, u) < 2 * Math.min(w, u),
      `median ${w.toFixed(1)} ms for a wrong password, ${u.toFixed(1)} ms for an unknown email`,
    );
  });

  it('rejects bad sign-up input naming the field', async () => {
    const res = await postGraphQL(url, SIGN_UP, {
      variables: { input: { name: 'X', email: 'not-an-email', password: 'long enough pw' } },
      headers: asRouter(SECRET, null),
    });
    assert.deepEqual(errorCodes(res), ['BAD_USER_INPUT']);
    assert.match(res.errors![0]!.message, /input\.email/);
    const short = await postGraphQL(url, SIGN_UP, {
      variables: { input: { name: 'X', email: 'x@example.com', password: 'short' } },
      headers: asRouter(SECRET, null),
    });
    assert.match(short.errors![0]!.message, /input\.password/);
  });

  it('answers me, hides other users from customers and shows them to staff', async () => {
    const a = await signUp('a@example.com');
    const b = await signUp('b@example.com');
    const viewerA = { id: a.user.id, role: 'CUSTOMER' as const };
    const me = await postGraphQL<{ me: { id: string } }>(url, '{ me { id email } }', {
      headers: asRouter(SECRET, viewerA),
    });
    assert.equal(me.data?.me.id, a.user.id);
    const other = await postGraphQL(url, 'query ($id: ID!) { user(id: $id) { id email } }', {
      variables: { id: b.user.id },
      headers: asRouter(SECRET, viewerA),
    });
    assert.deepEqual(errorCodes(other), ['FORBIDDEN']);
    const list = await postGraphQL(url, '{ users(first: 1) { edges { node { id } } } }', {
      headers: asRouter(SECRET, viewerA),
    });
    assert.deepEqual(errorCodes(list), ['FORBIDDEN']);
    const staff = { id: b.user.id, role: 'STAFF' as const };
    const page1 = await postGraphQL<{
      users: {
        edges: Array<{ node: { id: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>(url, '{ users(first: 2) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', {
      headers: asRouter(SECRET, staff),
    });
    assert.equal(page1.data?.users.edges.length, 2);
    assert.equal(page1.data?.users.pageInfo.hasNextPage, true);
    const page2 = await postGraphQL<{ users: { edges: Array<{ node: { id: string } }> } }>(
      url,
      'query ($after: String) { users(first: 100, after: $after) { edges { node { id } } } }',
      {
        variables: { after: page1.data?.users.pageInfo.endCursor },
        headers: asRouter(SECRET, staff),
      },
    );
    const seen = new Set(
      [...page1.data!.users.edges, ...page2.data!.users.edges].map((e) => e.node.id),
    );
    assert.equal(
      seen.size,
      page1.data!.users.edges.length + page2.data!.users.edges.length,
      'pages do not overlap',
    );
    const tooMany = await postGraphQL(url, '{ users(first: 101) { edges { cursor } } }', {
      headers: asRouter(SECRET, staff),
    });
    assert.deepEqual(errorCodes(tooMany), ['BAD_USER_INPUT']);
    const badCursor = await postGraphQL(url, '{ users(after: "nope") { edges { cursor } } }', {
      headers: asRouter(SECRET, staff),
    });
    assert.deepEqual(errorCodes(badCursor), ['BAD_USER_INPUT']);
  });

  it('resolves User entities in one batch, null for unknown ids', async () => {
    const a = await signUp('entity@example.com', 'Entity');
    const res = await postGraphQL<{ _entities: Array<{ id: string; name: string } | null> }>(
      url,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } } }',
      {
        variables: {
          r: [
            { __typename: 'User', id: a.user.id },
            { __typename: 'User', id: '00000000-0000-7000-8000-000000000000' },
            { __typename: 'User', id: 'not-a-uuid' },
          ],
        },
        headers: asRouter(SECRET, { id: a.user.id, role: 'CUSTOMER' }),
      },
    );
    assert.deepEqual(res.data?._entities, [{ id: a.user.id, name: 'Entity' }, null, null]);
  });

  it('updates the signed-in user, requiring the current password to change it', async () => {
    const a = await signUp('change@example.com');
    const viewer = { id: a.user.id, role: 'CUSTOMER' as const };
    const update = 'mutation ($input: UpdateMeInput!) { updateMe(input: $input) { name email } }';
    const renamed = await postGraphQL<{ updateMe: { name: string } }>(url, update, {
      variables: { input: { name: '  Renamed ' } },
      headers: asRouter(SECRET, viewer),
    });
    assert.equal(renamed.data?.updateMe.name, 'Renamed');
    const noCurrent = await postGraphQL(url, update, {
      variables: { input: { password: 'new password 123' } },
      headers: asRouter(SECRET, viewer),
    });
    assert.deepEqual(errorCodes(noCurrent), ['BAD_USER_INPUT']);
    const anonymous = await postGraphQL(url, update, {
      variables: { input: { name: 'x' } },
      headers: asRouter(SECRET, null),
    });
    assert.deepEqual(errorCodes(anonymous), ['UNAUTHENTICATED']);
  });

  it('refuses requests that do not carry the router proof', async () => {
    const forged = await postGraphQL(url, '{ me { id } }', {
      headers: { 'x-supergraph-proof': 'v1.1.e30.forged' },
    });
    assert.equal(forged.status, 401);
    assert.deepEqual(errorCodes(forged), ['UNAUTHENTICATED']);
    const wrongKey = await postGraphQL(url, '{ me { id } }', {
      headers: asRouter('another-secret-of-sufficient-length-here', {
        id: '00000000-0000-7000-8000-000000000000',
        role: 'ADMIN',
      }),
    });
    assert.equal(wrongKey.status, 401);
    const none = await postGraphQL(url, '{ me { id } }');
    assert.equal(none.status, 401);
  });
});
