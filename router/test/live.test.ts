/**
 * Live order updates through real routers: both transports, the first message as the current
 * state, cross-subgraph fields, rights, two router processes' worth of fan-out, token expiry
 * and shutdown. Events come from the orders subgraph publishing to Redis after its commits.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { issueToken, tokenKey } from '@supergraph/auth';
import { postGraphQL, waitUntil } from '@supergraph/testing';
import {
  JWT_SECRET,
  seedProducts,
  signUp,
  startSystem,
  type Auth,
  type System,
} from './harness.ts';
import {
  codeOf,
  nextResult,
  refusalOf,
  subscribeSse,
  subscribeWs,
  type Feed,
  type LiveResult,
} from './live-clients.ts';
import { spawnRouter } from './router-process.ts';

let system: System;
let productIds: string[];
let alice: Auth;
let bob: Auth;
const feeds: Feed[] = [];

before(async () => {
  system = await startSystem();
  productIds = await seedProducts(system);
  alice = await signUp(system, `alice-${randomUUID()}@example.com`, 'Alice Live');
  bob = await signUp(system, `bob-${randomUUID()}@example.com`, 'Bob Live');
});
after(async () => {
  for (const feed of feeds) feed.dispose();
  await system.stop();
});

function track(feed: Feed): Feed {
  feeds.push(feed);
  return feed;
}

async function placeOrder(auth: Auth): Promise<string> {
  const res = await postGraphQL<{ placeOrder: { id: string } }>(
    system.url,
    /* GraphQL */ `
      mutation ($input: PlaceOrderInput!) {
        placeOrder(input: $input) {
          id
        }
      }
    `,
    {
      variables: { input: { items: [{ productId: productIds[0], quantity: 1 }] } },
      headers: { authorization: `Bearer ${auth.token}` },
    },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!.placeOrder.id;
}

async function cancelOrder(auth: Auth, id: string) {
  const res = await postGraphQL(
    system.url,
    /* GraphQL */ `
      mutation ($id: ID!) {
        cancelOrder(id: $id) {
          status
        }
      }
    `,
    { variables: { id }, headers: { authorization: `Bearer ${auth.token}` } },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
}

const ORDER_UPDATED = /* GraphQL */ `
  subscription ($id: ID!) {
    orderUpdated(id: $id) {
      id
      status
      version
      customer {
        name
      }
      tasks {
        status
      }
    }
  }
`;

type LiveOrder = {
  id: string;
  status: string;
  version: number;
  customer: { name: string };
};
const orderOf = (result: LiveResult, key = 'orderUpdated') =>
  result.data?.[key] as LiveOrder | undefined;

for (const [transport, subscribe] of [
  ['WebSocket', subscribeWs],
  ['Server-Sent Events', subscribeSse],
] as const) {
  describe(`orderUpdated over ${transport}`, () => {
    it('sends the order as it is now, then every change, with fields from other subgraphs', async () => {
      const id = await placeOrder(alice);
      const feed = track(
        subscribe(system.url, { query: ORDER_UPDATED, variables: { id }, token: alice.token }),
      );
      const first = await nextResult(feed, (r) => orderOf(r)?.id === id);
      assert.equal(first.errors, undefined, JSON.stringify(first.errors));
      assert.equal(orderOf(first)?.status, 'PENDING');
      assert.equal(orderOf(first)?.customer.name, 'Alice Live');
      const seen = feed.results.length;
      await cancelOrder(alice, id);
      const changed = await nextResult(feed, (r) => orderOf(r)?.status === 'CANCELLED', seen);
      assert.ok(orderOf(changed)!.version > orderOf(first)!.version);
      assert.equal(orderOf(changed)?.customer.name, 'Alice Live');
      feed.dispose();
    });

    it('answers another customer with NOT_FOUND, and an anonymous one with UNAUTHENTICATED', async () => {
      const id = await placeOrder(alice);
      const stranger = track(
        subscribe(system.url, { query: ORDER_UPDATED, variables: { id }, token: bob.token }),
      );
      const refused = await nextResult(stranger, (r) => Boolean(r.errors?.length));
      assert.equal(codeOf(refused), 'NOT_FOUND');
      assert.equal(orderOf(refused), undefined);

      const anonymous = track(subscribe(system.url, { query: ORDER_UPDATED, variables: { id } }));
      const result = await refusalOf(anonymous);
      assert.equal(codeOf(result), 'UNAUTHENTICATED');
    });
  });
}

describe('myOrderUpdates', () => {
  it("brings every change to the viewer's own orders and none of anyone else's", async () => {
    const feed = track(
      subscribeWs(system.url, {
        query: /* GraphQL */ `
          subscription {
            myOrderUpdates {
              id
              status
            }
          }
        `,
        token: alice.token,
      }),
    );
    // The subscription is live once the socket has sent it; an order placed right after may
    // race it, so each check waits for the cancel, which comes later.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const bobs = await placeOrder(bob);
    const mine = await placeOrder(alice);
    await cancelOrder(bob, bobs);
    await cancelOrder(alice, mine);
    await nextResult(
      feed,
      (r) =>
        orderOf(r, 'myOrderUpdates')?.id === mine &&
        orderOf(r, 'myOrderUpdates')?.status === 'CANCELLED',
    );
    assert.ok(
      feed.results.every((r) => orderOf(r, 'myOrderUpdates')?.id !== bobs),
      "another customer's order reached the subscriber",
    );
  });
});

describe('two routers', () => {
  it('deliver the same change to a subscriber on each, the second its own process', async () => {
    const process = await spawnRouter(system);
    after(() => process.kill());
    const second = process.url;
    const id = await placeOrder(alice);
    const one = track(
      subscribeWs(system.url, { query: ORDER_UPDATED, variables: { id }, token: alice.token }),
    );
    const two = track(
      subscribeSse(second, { query: ORDER_UPDATED, variables: { id }, token: alice.token }),
    );
    await nextResult(one, (r) => orderOf(r)?.id === id);
    await nextResult(two, (r) => orderOf(r)?.id === id);
    await cancelOrder(alice, id);
    await nextResult(one, (r) => orderOf(r)?.status === 'CANCELLED');
    await nextResult(two, (r) => orderOf(r)?.status === 'CANCELLED');
  });
});

describe('a token expiring mid-subscription', () => {
  it('ends the subscription with UNAUTHENTICATED', async () => {
    const id = await placeOrder(alice);
    const shortLived = await issueToken(
      tokenKey(JWT_SECRET),
      { id: alice.user.id, role: 'CUSTOMER' },
      2,
    );
    const feed = track(
      subscribeWs(system.url, { query: ORDER_UPDATED, variables: { id }, token: shortLived }),
    );
    await nextResult(feed, (r) => orderOf(r)?.id === id);
    const expired = await nextResult(feed, (r) => Boolean(r.errors?.length), 0, 10_000);
    assert.equal(codeOf(expired), 'UNAUTHENTICATED');
    await waitUntil(() => feed.ended, { what: 'the subscription to end' });
  });
});

describe('a subscription that is not one of the live fields', () => {
  it('is refused with a code', async () => {
    const feed = track(
      subscribeWs(system.url, {
        query: '{ products(first: 1) { edges { cursor } } }',
        token: alice.token,
      }),
    );
    const refused = await refusalOf(feed);
    assert.equal(codeOf(refused), 'BAD_REQUEST');
  });
});

describe('a WebSocket from a page on another site', () => {
  it('is refused at the upgrade, while an allowed origin connects', async () => {
    const { default: WebSocket } = await import('ws');
    const url = system.url.replace(/^http/, 'ws');
    const status = (origin: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, 'graphql-transport-ws', { origin });
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.once('error', () => {});
      });
    // The harness's router runs in development, which allows any localhost origin.
    assert.equal(await status('https://evil.example'), 403);
    assert.equal(await status('http://localhost:5173'), 101);
  });
});

describe('limits', () => {
  it('refuses a subscription past the process limit, and a connection past the per-client one', async () => {
    const small = await system.addRouter({
      live: { subscriptionsPerProcess: 1, connectionsPerClient: 2 },
    });
    const id = await placeOrder(alice);
    const first = track(
      subscribeWs(small, { query: ORDER_UPDATED, variables: { id }, token: alice.token }),
    );
    await nextResult(first, (r) => orderOf(r)?.id === id);
    const second = track(
      subscribeSse(small, { query: ORDER_UPDATED, variables: { id }, token: alice.token }),
    );
    const full = await nextResult(second, (r) => Boolean(r.errors?.length));
    assert.equal(codeOf(full), 'SERVICE_UNAVAILABLE');

    // The SSE request above has ended; the WebSocket holds one of this client's two slots.
    const { default: WebSocket } = await import('ws');
    const upgrade = () =>
      new Promise<{ status: number; socket: InstanceType<typeof WebSocket> }>((resolve) => {
        const socket = new WebSocket(small.replace(/^http/, 'ws'), 'graphql-transport-ws');
        socket.once('open', () => resolve({ status: 101, socket }));
        socket.once('unexpected-response', (_req, res) =>
          resolve({ status: res.statusCode ?? 0, socket }),
        );
        socket.once('error', () => {});
      });
    const second101 = await upgrade();
    assert.equal(second101.status, 101);
    const third = await upgrade();
    assert.equal(third.status, 429);
    second101.socket.close();
  });

  it("refuses a selection that takes the router's own alias", async () => {
    const id = await placeOrder(alice);
    const feed = track(
      subscribeWs(system.url, {
        query: 'subscription ($id: ID!) { orderUpdated(id: $id) { liveVersion__: version } }',
        variables: { id },
        token: alice.token,
      }),
    );
    const refused = await refusalOf(feed);
    assert.equal(codeOf(refused), 'BAD_USER_INPUT');
  });
});
