/**
 * Live subscriptions when parts fail or misbehave: Redis restarting under open subscriptions,
 * a subscriber that stops reading, and the router itself stopping on SIGTERM.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { orderEventsChannel } from '@supergraph/redis';
import { metricSample, PrivateRedis, postGraphQL, waitUntil } from '@supergraph/testing';
import { seedProducts, signUp, startSystem, type Auth, type System } from './harness.ts';
import { nextResult, subscribeSse, subscribeWs, type Feed } from './live-clients.ts';
import { spawnRouter, type RouterProcess } from './router-process.ts';

const ORDER_UPDATED = /* GraphQL */ `
  subscription ($id: ID!) {
    orderUpdated(id: $id) {
      id
      status
      version
      items {
        quantity
        product {
          name
          sku
        }
      }
    }
  }
`;

async function placeOrder(system: System, auth: Auth, productIds: string[], lines = 1) {
  const res = await postGraphQL<{ placeOrder: { id: string } }>(
    system.url,
    'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
    {
      variables: {
        input: {
          items: Array.from({ length: lines }, (_, i) => ({
            productId: productIds[i % productIds.length],
            quantity: 1 + i,
          })),
        },
      },
      headers: { authorization: `Bearer ${auth.token}` },
    },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!.placeOrder.id;
}

async function cancelOrder(system: System, auth: Auth, id: string) {
  const res = await postGraphQL(system.url, 'mutation ($id: ID!) { cancelOrder(id: $id) { id } }', {
    variables: { id },
    headers: { authorization: `Bearer ${auth.token}` },
  });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
}

/**
 * The order with its lines twenty times over (aliases): a result of about 100 KB, so that a
 * client that stops reading fills the kernel's socket buffers within a few dozen changes.
 */
const ORDER_UPDATED_LARGE = /* GraphQL */ `
  subscription ($id: ID!) {
    orderUpdated(id: $id) {
      id
      status
      ${Array.from({ length: 20 }, (_, i) => `lines${i}: items { quantity unitPriceCents product { name sku } }`).join('\n      ')}
    }
  }
`;

const statusOf = (feed: Feed, index: number) =>
  (feed.results[index]?.data?.orderUpdated as { status?: string } | undefined)?.status;

describe('Redis restarting under open subscriptions', () => {
  let redis: PrivateRedis;
  let system: System;

  before(async () => {
    redis = await PrivateRedis.start();
    system = await startSystem({ redis: redis.url });
  });
  after(async () => {
    await system.stop();
    await redis.down();
  });

  it('resumes them, and the next message is the current state', async () => {
    const productIds = await seedProducts(system);
    const alice = await signUp(system, `alice-${randomUUID()}@example.com`, 'Alice');
    const id = await placeOrder(system, alice, productIds);
    const feeds = [
      subscribeWs(system.url, { query: ORDER_UPDATED, variables: { id }, token: alice.token }),
      subscribeSse(system.url, { query: ORDER_UPDATED, variables: { id }, token: alice.token }),
    ];
    try {
      for (const feed of feeds) await nextResult(feed, () => true);
      await redis.down();
      // Published while Redis is away: this event is lost, and no subscriber hears of it.
      await cancelOrder(system, alice, id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const feed of feeds) assert.equal(feed.results.length, 1);

      await redis.up();
      for (const feed of feeds) {
        await nextResult(
          feed,
          (r) => (r.data?.orderUpdated as { status: string } | undefined)?.status === 'CANCELLED',
          1,
          20_000,
        );
        assert.equal(statusOf(feed, 0), 'PENDING');
      }
    } finally {
      for (const feed of feeds) feed.dispose();
    }
  });
});

describe('a subscriber that stops reading', () => {
  let system: System;
  before(async () => {
    system = await startSystem({ live: { maxBufferedBytes: 64_000 } });
  });
  after(() => system.stop());

  it('is dropped while another subscriber to the same order keeps receiving', async () => {
    // Fifty lines, so that every result is large and a stalled link fills quickly.
    const productIds = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const product = await system.orders.product.create({
          data: {
            sku: `LIVE-${i}-${randomUUID()}`,
            name: `Product ${i}`,
            priceCents: 100 + i,
            currency: 'USD',
          },
        });
        return product.id;
      }),
    );
    const alice = await signUp(system, `alice-${randomUUID()}@example.com`, 'Alice');
    const id = await placeOrder(system, alice, productIds, 50);

    const healthy = subscribeWs(system.url, {
      query: ORDER_UPDATED_LARGE,
      variables: { id },
      token: alice.token,
    });
    // A client that subscribes, then never reads again.
    const stalled = new WebSocket(system.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await once(stalled, 'open');
    stalled.send(
      JSON.stringify({
        type: 'connection_init',
        payload: { authorization: `Bearer ${alice.token}` },
      }),
    );
    await once(stalled, 'message');
    stalled.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: ORDER_UPDATED_LARGE, variables: { id } },
      }),
    );
    await once(stalled, 'message');
    (stalled as unknown as { _socket: { pause(): void } })._socket.pause();

    const liveMetrics = async () => {
      const text = await (await fetch(`${system.routerBase}/metrics`)).text();
      return {
        drops:
          metricSample(text, 'live_drops_total', { transport: 'ws', reason: 'slow_consumer' }) ?? 0,
        connections: metricSample(text, 'live_connections', { transport: 'ws' }) ?? 0,
      };
    };
    try {
      await nextResult(healthy, () => true);
      assert.equal((await liveMetrics()).connections, 2);
      // The stalled client, not reading, never learns it was cut off: the router's metrics say.
      const publisher = new Redis(`redis://127.0.0.1:6379`);
      // The order changes again and again, each change announced as the orders service
      // does; spaced so that each is a full read for every subscriber rather than coalescing
      // into one, until the router drops the stalled client.
      let dropped = false;
      for (let version = 2; version < 20_000 && !dropped; version++) {
        await system.orders.order.update({ where: { id }, data: { version } });
        await publisher.publish(
          orderEventsChannel(system.queuePrefix),
          JSON.stringify({ orderId: id, customerId: alice.user.id, version }),
        );
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (version % 100 === 0) dropped = (await liveMetrics()).drops >= 1;
      }
      await publisher.quit();
      assert.ok(dropped, 'the stalled client was never dropped');
      assert.equal((await liveMetrics()).connections, 1);

      // The healthy subscriber still hears of the next change.
      const before = healthy.results.length;
      await cancelOrder(system, alice, id);
      await nextResult(
        healthy,
        (r) => (r.data?.orderUpdated as { status: string } | undefined)?.status === 'CANCELLED',
        before,
      );
      assert.equal(healthy.ended, null);
    } finally {
      healthy.dispose();
      stalled.terminate();
    }
  });
});

describe('the router stopping on SIGTERM', () => {
  let system: System;
  let router: RouterProcess;
  before(async () => {
    system = await startSystem();
  });
  after(async () => {
    await router.kill();
    await system.stop();
  });

  it('closes every live subscription with a close code the client can act on, then exits 0', async () => {
    const productIds = await seedProducts(system);
    const alice = await signUp(system, `alice-${randomUUID()}@example.com`, 'Alice');
    const id = await placeOrder(system, alice, productIds);
    router = await spawnRouter(system);
    const ws = subscribeWs(router.url, {
      query: ORDER_UPDATED,
      variables: { id },
      token: alice.token,
    });
    const sse = subscribeSse(router.url, {
      query: ORDER_UPDATED,
      variables: { id },
      token: alice.token,
    });
    try {
      await nextResult(ws, () => true);
      await nextResult(sse, () => true);
      router.child.kill('SIGTERM');
      assert.equal(await router.exited, 0);
      await waitUntil(() => ws.closeCode, { what: 'the WebSocket to close' });
      assert.equal(ws.closeCode, 1001);
      await waitUntil(() => sse.ended, { what: 'the event stream to end' });
    } finally {
      ws.dispose();
      sse.dispose();
    }
  });
});
