/**
 * The Apollo Router coprocessor over real HTTP, against real subgraphs: payloads shaped like
 * Apollo Router's go in, and the headers that come back are sent to a subgraph directly, as
 * Apollo Router would send them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { PROOF_HEADER, issueToken, tokenKey, verifyProof } from '@supergraph/auth';
import { closeServer, listen } from '@supergraph/lifecycle';
import { createLogger } from '@supergraph/observability';
import {
  JWT_SECRET,
  SUBGRAPH_SECRET,
  seedProducts,
  startSystem,
  type System,
} from '@supergraph/router/testing';
import { postGraphQL } from '@supergraph/testing';
import { createCoprocessor } from '../src/create-coprocessor.ts';
import type { CoprocessorAnswer, HeaderMap } from '../src/protocol.ts';
import { ContextKey } from '../src/stages.ts';

let system: System;
let coprocessor: Server;
let coprocessorUrl: string;
let customer: { token: string; id: string; orderId: string };

before(async () => {
  system = await startSystem();
  const [productId] = await seedProducts(system);
  const signUp = await postGraphQL<{ signUp: { token: string; user: { id: string } } }>(
    system.url,
    /* GraphQL */ `
      mutation ($input: SignUpInput!) {
        signUp(input: $input) {
          token
          user {
            id
          }
        }
      }
    `,
    {
      variables: {
        input: { name: 'Copro Customer', email: 'copro@example.com', password: 'a long password' },
      },
    },
  );
  assert.equal(signUp.errors, undefined, JSON.stringify(signUp.errors));
  const { token, user } = signUp.data!.signUp;
  const order = await postGraphQL<{ placeOrder: { id: string } }>(
    system.url,
    /* GraphQL */ `
      mutation ($input: PlaceOrderInput!) {
        placeOrder(input: $input) {
          id
        }
      }
    `,
    {
      variables: { input: { items: [{ productId, quantity: 1 }] } },
      headers: { authorization: `Bearer ${token}` },
    },
  );
  assert.equal(order.errors, undefined, JSON.stringify(order.errors));
  customer = { token, id: user.id, orderId: order.data!.placeOrder.id };

  ({ http: coprocessor } = await createCoprocessor({
    logger: createLogger('coprocessor', 'silent'),
    jwtSecret: JWT_SECRET,
    subgraphSecret: SUBGRAPH_SECRET,
    // One load balancer in front of Apollo Router appends the client's address.
    trustedProxyHops: 1,
    maxBodyBytes: 64_000,
  }));
  coprocessorUrl = `http://127.0.0.1:${await listen(coprocessor, 0, '127.0.0.1')}`;
});

after(async () => {
  await closeServer(coprocessor, 1000);
  await system.stop();
});

/** What Apollo Router posts at RouterRequest with `headers: true`, for a client's request. */
function routerRequest(headers: HeaderMap = {}) {
  return {
    version: 1,
    stage: 'RouterRequest',
    control: 'continue',
    id: randomUUID(),
    headers: {
      'content-type': ['application/json'],
      accept: ['application/graphql-response+json, application/json'],
      host: ['api.example.com'],
      ...headers,
    },
    method: 'POST',
    path: '/graphql',
  };
}

/** What Apollo Router posts at SubgraphRequest with `headers: true, context: all`. */
function subgraphRequest(
  id: string,
  service: 'users' | 'orders' | 'tasks',
  entries: Record<string, unknown>,
) {
  return {
    version: 1,
    stage: 'SubgraphRequest',
    control: 'continue',
    id,
    subgraphRequestId: randomUUID(),
    serviceName: service,
    uri: system.subgraphUrls[service],
    method: 'POST',
    headers: {
      'content-type': ['application/json'],
      accept: ['application/json'],
      // Sent by a client hoping the router passes it on.
      [PROOF_HEADER]: ['v1.0..forged'],
    },
    context: { entries: { 'apollo::supergraph::operation_kind': 'query', ...entries } },
  };
}

async function post(body: unknown, raw = false) {
  const res = await fetch(`${coprocessorUrl}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? String(body) : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text };
}

async function stage(body: unknown): Promise<CoprocessorAnswer> {
  const res = await post(body);
  assert.equal(res.status, 200, res.text);
  return JSON.parse(res.text) as CoprocessorAnswer;
}

/** Calls a subgraph directly with the headers the coprocessor answered, as Apollo Router does. */
function callSubgraph<T = Record<string, unknown>>(
  service: 'users' | 'orders',
  headers: HeaderMap,
  query: string,
  variables?: Record<string, unknown>,
) {
  const flat = Object.fromEntries(
    Object.entries(headers).map(([name, values]) => [name, values.join(', ')]),
  );
  return postGraphQL<T>(system.subgraphUrls[service], query, { headers: flat, variables });
}

/** RouterRequest, then SubgraphRequest with the context the first answer wrote. */
async function throughStages(service: 'users' | 'orders', clientHeaders: HeaderMap) {
  const request = routerRequest(clientHeaders);
  const first = await stage(request);
  assert.equal(first.control, 'continue');
  const sent = subgraphRequest(request.id, service, first.context?.entries ?? {});
  const second = await stage(sent);
  return { request, first, sent, second };
}

const ME = /* GraphQL */ `
  {
    me {
      id
      email
      role
    }
  }
`;

describe('Apollo Router coprocessor', () => {
  it('answers /health, /ready and /metrics', async () => {
    for (const path of ['/health', '/ready', '/metrics']) {
      const res = await fetch(`${coprocessorUrl}${path}`);
      assert.equal(res.status, 200, path);
      await res.text();
    }
  });

  it("signs a valid token's viewer, and the subgraphs serve that viewer", async () => {
    const { request, first, sent, second } = await throughStages('users', {
      authorization: [`Bearer ${customer.token}`],
      // The client's own line, then the one the load balancer added.
      'x-forwarded-for': ['10.9.9.9', '198.51.100.23'],
      'x-request-id': ['client-chosen-id-1'],
    });
    assert.equal(first.version, 1);
    assert.equal(first.stage, 'RouterRequest');
    assert.equal(first.id, request.id);
    assert.deepEqual(first.context?.entries[ContextKey.viewer], {
      id: customer.id,
      role: 'CUSTOMER',
    });
    assert.deepEqual(first.headers?.['x-request-id'], ['client-chosen-id-1']);
    // The request's own headers are kept: the answer replaces them all.
    assert.deepEqual(first.headers?.host, ['api.example.com']);

    assert.equal(second.stage, 'SubgraphRequest');
    assert.equal(second.control, 'continue');
    assert.equal(second.id, request.id);
    assert.equal(second.subgraphRequestId, sent.subgraphRequestId);
    const proof = second.headers?.[PROOF_HEADER];
    assert.equal(proof?.length, 1, "one proof, the client's forged one replaced");
    const verified = verifyProof(SUBGRAPH_SECRET, proof?.[0]);
    assert.deepEqual(verified, {
      ok: true,
      viewer: { id: customer.id, role: 'CUSTOMER' },
      clientIp: '198.51.100.23',
    });
    assert.deepEqual(second.headers?.['x-request-id'], ['client-chosen-id-1']);
    assert.deepEqual(second.headers?.['content-type'], ['application/json']);

    const me = await callSubgraph('users', second.headers!, ME);
    assert.equal(me.status, 200, JSON.stringify(me.errors));
    assert.deepEqual(me.data, {
      me: { id: customer.id, email: 'copro@example.com', role: 'CUSTOMER' },
    });

    // Another subgraph takes the same proof, and applies the viewer's rights with it.
    const orders = await stage(subgraphRequest(request.id, 'orders', first.context?.entries ?? {}));
    const entities = await callSubgraph<{
      _entities: Array<{ orders: { edges: Array<{ node: { id: string } }> } }>;
    }>(
      'orders',
      orders.headers!,
      /* GraphQL */ `
        query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on User {
              orders(first: 5) {
                edges {
                  node {
                    id
                  }
                }
              }
            }
          }
        }
      `,
      { representations: [{ __typename: 'User', id: customer.id }] },
    );
    assert.equal(entities.errors, undefined, JSON.stringify(entities.errors));
    assert.deepEqual(
      entities.data?._entities[0]?.orders.edges.map((edge) => edge.node.id),
      [customer.orderId],
    );
  });

  it('lets a request without a token through as anonymous, with a new request id', async () => {
    const { first, second } = await throughStages('users', {});
    assert.equal(first.context?.entries[ContextKey.viewer], null);
    const requestId = first.context?.entries[ContextKey.requestId];
    assert.match(String(requestId), /^[0-9a-f-]{36}$/);
    assert.deepEqual(second.headers?.['x-request-id'], [requestId]);
    const verified = verifyProof(SUBGRAPH_SECRET, second.headers?.[PROOF_HEADER]?.[0]);
    // No X-Forwarded-For: no address to sign.
    assert.deepEqual(verified, { ok: true, viewer: null, clientIp: null });
    const me = await callSubgraph('users', second.headers!, ME);
    assert.equal(me.status, 200);
    assert.deepEqual(me.data, { me: null });
  });

  it('refuses forged, expired and malformed tokens with a 401 UNAUTHENTICATED break', async () => {
    const forged = await issueToken(
      tokenKey('someone-else-s-secret-someone-else-s-secret'),
      { id: customer.id, role: 'ADMIN' },
      60,
    );
    const expired = await issueToken(
      tokenKey(JWT_SECRET),
      { id: customer.id, role: 'CUSTOMER' },
      1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const authorization of [`Bearer ${forged}`, `Bearer ${expired}`, 'Basic dXNlcjpwYXNz']) {
      const request = routerRequest({ authorization: [authorization] });
      const refused = await stage(request);
      assert.deepEqual(refused.control, { break: 401 }, authorization);
      assert.equal(refused.id, request.id);
      assert.equal(refused.context, undefined, 'no proof for a refused request');
      assert.deepEqual(refused.headers?.['www-authenticate'], ['Bearer']);
      assert.equal(typeof refused.body, 'string', 'the router stage takes its body as a string');
      const body = JSON.parse(String(refused.body)) as {
        errors: Array<{ message: string; extensions: { code: string } }>;
      };
      assert.equal(body.errors[0]?.extensions.code, 'UNAUTHENTICATED');
      assert.doesNotMatch(String(refused.body), /\bat .*\.ts:\d+/);
    }
  });

  it('copies the proof it signed and never signs a viewer written into the context', async () => {
    const request = routerRequest({ authorization: [`Bearer ${customer.token}`] });
    const first = await stage(request);
    // Someone who can reach the coprocessor claims to be an admin in the context.
    const tampered = await stage(
      subgraphRequest(request.id, 'users', {
        ...first.context?.entries,
        [ContextKey.viewer]: { id: customer.id, role: 'ADMIN' },
      }),
    );
    const me = await callSubgraph('users', tampered.headers!, ME);
    assert.equal((me.data?.me as { role?: string } | null)?.role, 'CUSTOMER');

    // A proof not signed with SUBGRAPH_SECRET is refused by the subgraph itself.
    const forged = await stage(
      subgraphRequest(request.id, 'users', { [ContextKey.proof]: 'v1.1700000000..forged' }),
    );
    const refused = await callSubgraph('users', forged.headers!, ME);
    assert.equal(refused.status, 401);

    // And without any proof, a viewer in the context gets nothing signed.
    const res = await post(
      subgraphRequest(request.id, 'users', {
        [ContextKey.viewer]: { id: customer.id, role: 'ADMIN' },
      }),
    );
    assert.equal(res.status, 400);
    assert.match(JSON.parse(res.text).error, /supergraph::proof/);
  });

  it('returns the request id to the client at RouterResponse, leaving the status alone', async () => {
    const answer = await stage({
      version: 1,
      stage: 'RouterResponse',
      id: randomUUID(),
      headers: { 'content-type': ['application/json'] },
      context: { entries: { [ContextKey.requestId]: 'client-chosen-id-2' } },
      statusCode: 400,
    });
    assert.equal(answer.control, undefined);
    assert.deepEqual(answer.headers, {
      'content-type': ['application/json'],
      'x-request-id': ['client-chosen-id-2'],
    });
  });

  it('lets stages it does not work at through unchanged', async () => {
    const id = randomUUID();
    assert.deepEqual(
      await stage({ version: 1, stage: 'SupergraphRequest', control: 'continue', id }),
      { version: 1, stage: 'SupergraphRequest', id, control: 'continue' },
    );
    assert.deepEqual(await stage({ version: 1, stage: 'SubgraphResponse', id }), {
      version: 1,
      stage: 'SubgraphResponse',
      id,
    });
  });

  it('answers a malformed payload with a clear 400, never a stack trace', async () => {
    const cases: Array<[unknown, boolean, RegExp]> = [
      ['{"version": 1, "stage": ', true, /not JSON/],
      [[1, 2], false, /JSON object/],
      [{ ...routerRequest(), version: 2 }, false, /^version: expected 1$/],
      [{ ...routerRequest(), id: undefined }, false, /^id: /],
      [{ ...routerRequest(), stage: 7 }, false, /^stage: /],
      [
        { ...routerRequest(), headers: { authorization: 'Bearer x' } },
        false,
        /^headers\.authorization: /,
      ],
      [{ ...routerRequest(), context: { entries: [] } }, false, /^context\.entries: /],
      [{ ...routerRequest(), headers: undefined }, false, /^headers: missing; the RouterRequest/],
      [
        {
          ...subgraphRequest(randomUUID(), 'users', { [ContextKey.proof]: 'p' }),
          headers: undefined,
        },
        false,
        /^headers: missing/,
      ],
    ];
    for (const [body, raw, message] of cases) {
      const res = await post(body, raw);
      assert.equal(res.status, 400, res.text);
      assert.match(res.type ?? '', /^application\/json/);
      const parsed = JSON.parse(res.text) as { error: string };
      assert.match(parsed.error, message);
      assert.doesNotMatch(res.text, /\n\s+at |\.ts:\d+/);
    }
    const tooLarge = await post({ ...routerRequest(), padding: 'x'.repeat(70_000) });
    assert.equal(tooLarge.status, 413);
    const get = await fetch(`${coprocessorUrl}/`);
    assert.equal(get.status, 405);
    await get.text();
  });
});
