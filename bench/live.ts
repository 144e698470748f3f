/**
 * The live section of `npm run bench`: live subscriptions at one router, the subgraphs and the
 * router as production processes over a seeded database, subscribers as web clients are
 * (graphql-ws over real WebSockets, each with a customer's token).
 * - memory: the router's RSS and V8 heap, after a full GC, before and after thousands of idle
 *   `orderUpdated(id)` subscriptions have each received their first message;
 * - fan-out: events published straight to the order-events channel as fast as the router turns
 *   them into results for every subscriber of the order, results counted at the clients;
 * - latency: `placeOrder` through the router at a steady rate, from the order's `createdAt`
 *   (Postgres' clock, this machine's) to its first message at a `myOrderUpdates` subscriber.
 * Hive Gateway is not measured: see {@link HIVE_NOTE}.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { issueToken, tokenKey } from '@supergraph/auth';
import { env, isClusterTarget, loadConfig, redisTarget } from '@supergraph/config';
import { closeRedisClient, connectRedis, orderEventsChannel } from '@supergraph/redis';
import {
  createTestDatabase,
  freePort,
  metricSample,
  postGraphQL,
  waitUntil,
} from '@supergraph/testing';
import { machine } from './graph.ts';
import { BENCH_JWT_SECRET, startProcesses, type Processes } from './processes.ts';
import { seedBenchData, type SeedSize } from './seed-data.ts';

const IDLE_CONNECTIONS = Number(process.env.BENCH_LIVE_CONNECTIONS ?? 250);
/** The router's default LIVE_SUBSCRIPTIONS_PER_CONNECTION. */
const SUBSCRIPTIONS_PER_CONNECTION = 20;
const FANOUT_ORDERS = 100;
const SUBSCRIBERS_PER_ORDER = 10;
const FANOUT_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 12);
const FANOUT_WARMUP_SECONDS = 2;
const LATENCY_SUBSCRIBERS = 1000;
const ORDER_RATE = Number(process.env.BENCH_ORDER_RATE ?? 100);
const ORDER_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 10);
/** Connections opened at once: a burst of thousands would only measure the listen backlog. */
const CONNECT_BATCH = 50;
/** 25 orders per customer, so that each idle connection follows 20 orders of its own. */
const SEED: SeedSize = { customers: 2000, staff: 20, products: 200, orders: 50_000, tasks: 5000 };
/** Linux's USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

export const HIVE_NOTE =
  'Hive Gateway not measured: it serves a subscription by forwarding it to the subgraph that ' +
  'executes Subscription, and ours do not (the router resolves orderUpdated and myOrderUpdates ' +
  'from Redis order events itself). Its event-driven alternative (@pubsubOperation on a Redis ' +
  'PubSub) would need that directive composed into the orders SDL, events that carry the ' +
  "entity's `id`, a per-viewer filter for myOrderUpdates and no first message with the current " +
  'state: a different subscription, not this one.';

const ORDER_UPDATED = /* GraphQL */ `
  subscription ($id: ID!) {
    orderUpdated(id: $id) {
      id
      status
      version
    }
  }
`;
const MY_ORDER_UPDATES = /* GraphQL */ `
  subscription {
    myOrderUpdates {
      id
      status
      createdAt
    }
  }
`;
const PLACE_ORDER = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      id
    }
  }
`;

type LiveResult = {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<unknown>;
};

export type IdleResult = {
  connections: number;
  subscriptions: number;
  /** Subscriptions that got their first message per second, while they were being opened. */
  firstMessagesPerSecond: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  kbPerSubscriptionRss: number;
  kbPerSubscriptionHeap: number;
  errors: number;
};

export type FanoutResult = {
  orders: number;
  subscribers: number;
  /** Different viewers among an order's subscribers. */
  viewersPerOrder: number;
  seconds: number;
  eventsPerSecond: number;
  resultsPerSecond: number;
  /** From publishing an event to a subscriber's result for it, at that saturation. */
  resultP50Ms: number;
  resultP95Ms: number;
  /** CPU of the router and of the orders subgraph over the window, in % of one core. */
  routerCpuPercent: number;
  ordersCpuPercent: number;
  /** Every process on the machine (Postgres, Redis, the bench and anyone else's) together. */
  machineCpuPercent: number;
  /** Events republished because some subscriber had not answered the last one in 5 s. */
  stalls: number;
  errors: number;
};

export type LatencyResult = {
  subscribers: number;
  ratePerSecond: number;
  orders: number;
  received: number;
  lost: number;
  /** Messages that reached a customer other than the one who placed the order. */
  misdelivered: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyMaxMs: number;
  placeOrderP50Ms: number;
  placeErrors: number;
  /** Error results and dropped connections at the subscribers. */
  errors: number;
};

export type LiveReport = {
  machine: ReturnType<typeof machine>;
  seeded: SeedSize;
  idle: IdleResult;
  /** Every subscriber of an order is its owner. */
  fanout: FanoutResult;
  /** An order's subscribers are its owner and nine staff members. */
  fanoutTenViewers: FanoutResult;
  latency: LatencyResult;
  hive: { measured: false; reason: string };
};

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return Math.round(value * 10) / 10;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** User plus system CPU time of a process so far, in seconds. */
function cpuSeconds(pid: number): number {
  // The command name (field 2) may hold spaces; the fields after its closing paren do not.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Busy CPU time of the whole machine so far, all cores summed, in clock ticks. */
function machineBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // user nice system idle iowait irq softirq steal; guest time is already counted in user.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const [, , , idle = 0, iowait = 0] = ticks;
  return ticks.reduce((sum, tick) => sum + tick, 0) - idle - iowait;
}

/**
 * A full garbage collection in the router, through the inspector it was started with: without
 * it, the garbage of thousands of first reads would count as memory the subscriptions hold.
 */
async function collectGarbage(inspectorPort: number, times: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as
    Array<{ webSocketDebuggerUrl: string }> | undefined;
  const url = targets?.[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error('the router has no inspector target');
  const socket = new WebSocket(url);
  await once(socket, 'open');
  try {
    for (let id = 1; id <= times; id++) {
      const answered = new Promise<void>((resolve, reject) => {
        const onMessage = (message: WebSocket.RawData) => {
          const answer = JSON.parse(String(message)) as { id?: number; error?: unknown };
          if (answer.id !== id) return;
          socket.off('message', onMessage);
          if (answer.error) reject(new Error(JSON.stringify(answer.error)));
          else resolve();
        };
        socket.on('message', onMessage);
        socket.once('error', reject);
      });
      socket.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      await answered;
      // Finalizers and weak callbacks run after a collection; the next one frees what they let go.
      await sleep(500);
    }
  } finally {
    socket.close();
  }
}

/** The router as the bench sees it: its memory, its metrics, and live connections to it. */
function routerProbe(system: Processes, inspectorPort: number) {
  const base = system.url.replace(/\/graphql$/, '');
  const wsUrl = system.url.replace(/^http/, 'ws');
  const pid = system.pids.router;
  const metrics = async () => (await fetch(`${base}/metrics`)).text();
  return {
    wsUrl,
    /** Active ws subscriptions, as the router counts them. */
    async subscriptions(): Promise<number> {
      return metricSample(await metrics(), 'live_subscriptions', { transport: 'ws' }) ?? 0;
    },
    /** RSS and heap in use after two full collections, so that only live memory counts. */
    async settledMemory(): Promise<{ rssMb: number; heapMb: number }> {
      await collectGarbage(inspectorPort, 2);
      await sleep(500);
      const heap = metricSample(await metrics(), 'nodejs_heap_size_used_bytes') ?? 0;
      return { rssMb: rssMb(pid), heapMb: heap / 2 ** 20 };
    },
  };
}

/** A graphql-ws client with one customer's token, resolved once the router has accepted it. */
function connect(wsUrl: string, token: string, onUnexpectedClose: () => void): Promise<Client> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: reject,
      on: {
        connected: () => {
          connected = true;
          resolve(client);
        },
        closed: (event) => {
          // The bench closes with 1000; anything else is the router dropping a subscriber.
          if (connected && (event as { code?: number }).code !== 1000) onUnexpectedClose();
        },
      },
    });
  });
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    const batch = items.slice(start, start + size);
    results.push(...(await Promise.all(batch.map((item, i) => fn(item, start + i)))));
  }
  return results;
}

type Customer = { id: string; orderIds: string[]; token: string };

async function loadCustomers(databaseUrl: string, count: number): Promise<Customer[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ customer_id: string; ids: string[] }>(
      `SELECT customer_id::text, array_agg(id::text ORDER BY id DESC) AS ids
       FROM orders.orders GROUP BY customer_id ORDER BY customer_id LIMIT $1`,
      [count],
    );
    const key = tokenKey(BENCH_JWT_SECRET);
    return Promise.all(
      rows.map(async (row) => ({
        id: row.customer_id,
        orderIds: row.ids,
        token: await issueToken(key, { id: row.customer_id, role: 'CUSTOMER' }, 3600),
      })),
    );
  } finally {
    await client.end();
  }
}

async function closeAll(clients: Client[], probe: ReturnType<typeof routerProbe>): Promise<void> {
  await Promise.all(clients.map((client) => client.dispose()));
  await waitUntil(async () => (await probe.subscriptions()) === 0, {
    timeoutMs: 30_000,
    what: 'the router to release the subscriptions',
  });
}

async function measureIdle(
  customers: Customer[],
  probe: ReturnType<typeof routerProbe>,
): Promise<IdleResult> {
  let firsts = 0;
  let errors = 0;
  const subscribeAll = (client: Client, customer: Customer) => {
    for (const id of customer.orderIds.slice(0, SUBSCRIPTIONS_PER_CONNECTION)) {
      let first = true;
      client.subscribe<Record<string, unknown>>(
        { query: ORDER_UPDATED, variables: { id } },
        {
          next: (result: LiveResult) => {
            if (result.errors) errors++;
            if (first) firsts++;
            first = false;
          },
          error: () => errors++,
          complete: () => {},
        },
      );
    }
  };
  const dropped = () => errors++;

  // One connection's worth first: code compiled and caches filled once are not per subscriber.
  const warm = await connect(probe.wsUrl, customers[0]!.token, dropped);
  subscribeAll(warm, customers[0]!);
  await waitUntil(() => firsts >= SUBSCRIPTIONS_PER_CONNECTION, {
    timeoutMs: 30_000,
    what: 'the warm-up subscriptions',
  });
  await closeAll([warm], probe);
  firsts = 0;
  errors = 0;

  const before = await probe.settledMemory();
  const owners = customers.slice(0, IDLE_CONNECTIONS);
  const subscriptions = owners.length * SUBSCRIPTIONS_PER_CONNECTION;
  const started = performance.now();
  const clients = await inBatches(owners, CONNECT_BATCH, async (customer) => {
    const client = await connect(probe.wsUrl, customer.token, dropped);
    subscribeAll(client, customer);
    return client;
  });
  await waitUntil(() => firsts >= subscriptions, {
    timeoutMs: 180_000,
    intervalMs: 50,
    what: `the first message of ${subscriptions} subscriptions`,
  });
  const openSeconds = (performance.now() - started) / 1000;
  const after = await probe.settledMemory();
  await closeAll(clients, probe);
  return {
    connections: owners.length,
    subscriptions,
    firstMessagesPerSecond: Math.round(subscriptions / openSeconds),
    rssBeforeMb: round(before.rssMb),
    rssAfterMb: round(after.rssMb),
    heapBeforeMb: round(before.heapMb),
    heapAfterMb: round(after.heapMb),
    kbPerSubscriptionRss: round(((after.rssMb - before.rssMb) * 1024) / subscriptions, 2),
    kbPerSubscriptionHeap: round(((after.heapMb - before.heapMb) * 1024) / subscriptions, 2),
    errors,
  };
}

type FollowedOrder = {
  orderId: string;
  customerId: string;
  version: number;
  /** When the event now awaited was published; 0 until the first one. */
  publishedAt: number;
  /** Results for that event so far. */
  received: number;
};

/**
 * A closed loop per order: its next event is published once every subscriber has its result
 * for the last one, so that the router is kept busy without events queueing up (it coalesces
 * a subscriber's events while it reads, which would hide the cost of reads behind a backlog).
 * `tokenOf` says who the nth subscriber of an owner's order is.
 */
async function measureFanout(
  owners: Customer[],
  tokenOf: (owner: Customer, index: number, nth: number) => string,
  probe: ReturnType<typeof routerProbe>,
  system: Processes,
  publish: (channelMessage: string) => Promise<unknown>,
  database: pg.Pool,
): Promise<FanoutResult> {
  const orders: FollowedOrder[] = owners.slice(0, FANOUT_ORDERS).map((customer) => ({
    orderId: customer.orderIds[0]!,
    customerId: customer.id,
    // The seeded version; the first event carries the next one.
    version: 1,
    publishedAt: 0,
    received: 0,
  }));
  let firsts = 0;
  let errors = 0;
  let measuring = false;
  let stopping = false;
  let published = 0;
  let delivered = 0;
  let stalls = 0;
  const latencies: number[] = [];

  // Each event is a real change: the order's version goes up in Postgres, as a change of its
  // status does, and is then announced; the router sends only reads that show a newer version.
  const send = (order: FollowedOrder) => {
    order.version += 1;
    order.received = 0;
    order.publishedAt = performance.now();
    if (measuring) published++;
    database
      .query('UPDATE orders.orders SET version = $2 WHERE id = $1', [order.orderId, order.version])
      .then(() =>
        publish(
          JSON.stringify({
            orderId: order.orderId,
            customerId: order.customerId,
            version: order.version,
          }),
        ),
      )
      .catch(() => errors++);
  };
  const onResult = (order: FollowedOrder, result: LiveResult) => {
    if (result.errors) errors++;
    if (order.publishedAt === 0) {
      firsts++;
      return;
    }
    order.received++;
    if (measuring) {
      delivered++;
      latencies.push(performance.now() - order.publishedAt);
    }
    if (order.received >= SUBSCRIBERS_PER_ORDER && !stopping) send(order);
  };

  const subscribers = orders.flatMap((order, index) =>
    Array.from({ length: SUBSCRIBERS_PER_ORDER }, (_, nth) => ({
      order,
      token: tokenOf(owners[index]!, index, nth),
    })),
  );
  const viewersPerOrder = new Set(
    subscribers.slice(0, SUBSCRIBERS_PER_ORDER).map((subscriber) => subscriber.token),
  ).size;
  const clients = await inBatches(subscribers, CONNECT_BATCH, async ({ order, token }) => {
    const client = await connect(probe.wsUrl, token, () => errors++);
    client.subscribe<Record<string, unknown>>(
      { query: ORDER_UPDATED, variables: { id: order.orderId } },
      { next: (result) => onResult(order, result), error: () => errors++, complete: () => {} },
    );
    return client;
  });
  await waitUntil(() => firsts >= subscribers.length, {
    timeoutMs: 60_000,
    what: 'the first message of every fan-out subscriber',
  });

  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const order of orders) {
      if (!stopping && now - order.publishedAt > 5000) {
        stalls++;
        send(order);
      }
    }
  }, 1000);
  try {
    for (const order of orders) send(order);
    await sleep(FANOUT_WARMUP_SECONDS * 1000);
    const cpuBefore = {
      router: cpuSeconds(system.pids.router),
      orders: cpuSeconds(system.pids.orders),
      machine: machineBusyTicks(),
    };
    const started = performance.now();
    measuring = true;
    await sleep(FANOUT_SECONDS * 1000);
    measuring = false;
    stopping = true;
    const seconds = (performance.now() - started) / 1000;
    const cpu = {
      router: cpuSeconds(system.pids.router) - cpuBefore.router,
      orders: cpuSeconds(system.pids.orders) - cpuBefore.orders,
      machine: (machineBusyTicks() - cpuBefore.machine) / CLOCK_TICKS_PER_SECOND,
    };
    // The events in flight finish before their subscribers go.
    await sleep(1000);
    latencies.sort((a, b) => a - b);
    return {
      orders: orders.length,
      subscribers: subscribers.length,
      viewersPerOrder,
      seconds: round(seconds),
      eventsPerSecond: Math.round(published / seconds),
      resultsPerSecond: Math.round(delivered / seconds),
      resultP50Ms: percentile(latencies, 0.5),
      resultP95Ms: percentile(latencies, 0.95),
      routerCpuPercent: Math.round((cpu.router / seconds) * 100),
      ordersCpuPercent: Math.round((cpu.orders / seconds) * 100),
      machineCpuPercent: Math.round((cpu.machine / seconds) * 100),
      stalls,
      errors,
    };
  } finally {
    clearInterval(watchdog);
    await closeAll(clients, probe);
  }
}

async function measureLatency(
  customers: Customer[],
  probe: ReturnType<typeof routerProbe>,
  routerUrl: string,
  productId: string,
): Promise<LatencyResult> {
  const subscribed = customers.slice(0, LATENCY_SUBSCRIBERS);
  const firstSeen = new Map<string, { at: number; createdAt: number; customerId: string }>();
  let errors = 0;
  const clients = await inBatches(subscribed, CONNECT_BATCH, async (customer) => {
    const client = await connect(probe.wsUrl, customer.token, () => errors++);
    client.subscribe<Record<string, unknown>>(
      { query: MY_ORDER_UPDATES },
      {
        next: (result: LiveResult) => {
          const at = Date.now();
          const order = result.data?.myOrderUpdates as { id: string; createdAt: string } | null;
          if (!order) {
            errors++;
            return;
          }
          if (firstSeen.has(order.id)) return;
          firstSeen.set(order.id, {
            at,
            createdAt: Date.parse(order.createdAt),
            customerId: customer.id,
          });
        },
        error: () => errors++,
        complete: () => {},
      },
    );
    return client;
  });
  try {
    // myOrderUpdates sends nothing until a change: the router's own count says it is listening.
    await waitUntil(async () => (await probe.subscriptions()) >= subscribed.length, {
      timeoutMs: 60_000,
      what: 'every myOrderUpdates subscription',
    });

    const placed = new Map<string, string>();
    const placeTimes: number[] = [];
    let placeErrors = 0;
    const total = ORDER_RATE * ORDER_SECONDS;
    const begin = Date.now();
    const placing: Array<Promise<void>> = [];
    for (let n = 0; n < total; n++) {
      const wait = begin + (n * 1000) / ORDER_RATE - Date.now();
      if (wait > 0) await sleep(wait);
      const customer = subscribed[Math.floor(Math.random() * subscribed.length)]!;
      const sent = performance.now();
      placing.push(
        postGraphQL<{ placeOrder: { id: string } }>(routerUrl, PLACE_ORDER, {
          variables: { input: { items: [{ productId, quantity: 1 }] } },
          headers: { authorization: `Bearer ${customer.token}` },
        }).then(
          (res) => {
            const id = res.data?.placeOrder.id;
            if (!id || res.errors) {
              placeErrors++;
              return;
            }
            placeTimes.push(performance.now() - sent);
            placed.set(id, customer.id);
          },
          () => {
            placeErrors++;
          },
        ),
      );
    }
    await Promise.all(placing);
    await waitUntil(() => [...placed.keys()].every((id) => firstSeen.has(id)), {
      timeoutMs: 15_000,
      what: 'the first message of every order placed',
    }).catch(() => null);

    const arrived = [...placed].filter(([id]) => firstSeen.has(id));
    const latencies = arrived
      .map(([id]) => firstSeen.get(id)!)
      .map((seen) => seen.at - seen.createdAt)
      .sort((a, b) => a - b);
    placeTimes.sort((a, b) => a - b);
    return {
      subscribers: subscribed.length,
      ratePerSecond: ORDER_RATE,
      orders: placed.size,
      received: arrived.length,
      lost: placed.size - arrived.length,
      misdelivered: arrived.filter(([id, owner]) => firstSeen.get(id)!.customerId !== owner).length,
      latencyP50Ms: percentile(latencies, 0.5),
      latencyP95Ms: percentile(latencies, 0.95),
      latencyMaxMs: percentile(latencies, 1),
      placeOrderP50Ms: percentile(placeTimes, 0.5),
      placeErrors,
      errors,
    };
  } finally {
    await closeAll(clients, probe);
  }
}

export async function benchLive(): Promise<LiveReport> {
  const redis = redisTarget(loadConfig(env.redis()));
  // A channel of the bench's own, so that no other router or worker on this Redis hears it.
  const name = `bench-live-${randomUUID().slice(0, 8)}`;
  const queuePrefix = isClusterTarget(redis) ? `{${name}}` : name;
  const inspectorPort = await freePort();
  const database = await createTestDatabase();
  const seeded = await seedBenchData(database.url, SEED);
  console.log(
    `live: seeded ${seeded.customers} customers with ${seeded.orders} orders, ${seeded.items} items`,
  );
  const customers = await loadCustomers(
    database.url,
    Math.max(IDLE_CONNECTIONS + 2 * FANOUT_ORDERS, LATENCY_SUBSCRIBERS),
  );
  const key = tokenKey(BENCH_JWT_SECRET);
  const staffTokens = await Promise.all(
    seeded.staffIds.map((id) => issueToken(key, { id, role: 'STAFF' }, 3600)),
  );
  const system = await startProcesses(database.url, {
    env: {
      QUEUE_PREFIX: queuePrefix,
      // Every bench client comes from 127.0.0.1.
      LIVE_CONNECTIONS_PER_CLIENT: String(
        IDLE_CONNECTIONS + 2 * FANOUT_ORDERS * SUBSCRIBERS_PER_ORDER + LATENCY_SUBSCRIBERS,
      ),
      LIVE_SUBSCRIPTIONS_PER_CONNECTION: String(SUBSCRIPTIONS_PER_CONNECTION),
    },
    routerNodeArgs: [`--inspect=127.0.0.1:${inspectorPort}`],
  });
  const publisher = connectRedis(redis);
  const channel = orderEventsChannel(queuePrefix);
  const changes = new pg.Pool({ connectionString: database.url, max: 4 });
  try {
    const probe = routerProbe(system, inspectorPort);
    const idle = await measureIdle(customers, probe);
    console.log(
      `  idle: ${idle.subscriptions} subscriptions: RSS ${idle.rssBeforeMb} → ${idle.rssAfterMb} MB, heap ${idle.heapBeforeMb} → ${idle.heapAfterMb} MB`,
    );
    const publish = (message: string) => publisher.publish(channel, message);
    // The owner's own tabs: the router's reads for one viewer share subgraph calls in flight.
    const fanout = await measureFanout(
      customers.slice(IDLE_CONNECTIONS),
      (owner) => owner.token,
      probe,
      system,
      publish,
      changes,
    );
    // The owner and nine staff members: every subscriber's read is a subgraph call of its own.
    const fanoutTenViewers = await measureFanout(
      customers.slice(IDLE_CONNECTIONS + FANOUT_ORDERS),
      (owner, index, nth) =>
        nth === 0 ? owner.token : staffTokens[(index + nth) % staffTokens.length]!,
      probe,
      system,
      publish,
      changes,
    );
    for (const run of [fanout, fanoutTenViewers]) {
      console.log(
        `  fan-out, ${run.viewersPerOrder} viewer(s) per order: ${run.eventsPerSecond} events/s → ${run.resultsPerSecond} results/s to ${run.subscribers} subscribers`,
      );
    }
    const latency = await measureLatency(customers, probe, system.url, seeded.productIds[0]!);
    console.log(
      `  latency: ${latency.received}/${latency.orders} orders, p50 ${latency.latencyP50Ms} ms, p95 ${latency.latencyP95Ms} ms`,
    );
    console.log(`  ${HIVE_NOTE}`);
    return {
      machine: machine(),
      seeded: {
        customers: seeded.customers,
        staff: seeded.staff,
        products: seeded.products,
        orders: seeded.orders,
        tasks: seeded.tasks,
      },
      idle,
      fanout,
      fanoutTenViewers,
      latency,
      hive: { measured: false, reason: HIVE_NOTE },
    };
  } finally {
    await closeRedisClient(publisher);
    await changes.end();
    await system.stop();
    await database.drop();
  }
}

/** The figures of a live run as rows, for console.table. */
export function liveTable(report: LiveReport) {
  const { idle, fanout, fanoutTenViewers, latency } = report;
  return [
    {
      measure: 'idle subscriptions',
      setup: `${idle.connections} ws × ${SUBSCRIPTIONS_PER_CONNECTION} orderUpdated`,
      figure: `${idle.kbPerSubscriptionRss} KB RSS, ${idle.kbPerSubscriptionHeap} KB heap per subscription`,
      detail: `RSS ${idle.rssBeforeMb} → ${idle.rssAfterMb} MB, heap ${idle.heapBeforeMb} → ${idle.heapAfterMb} MB; ${idle.firstMessagesPerSecond} first messages/s; errors ${idle.errors}`,
    },
    ...[fanout, fanoutTenViewers].map((run) => ({
      measure: `fan-out, ${run.viewersPerOrder} viewer(s)/order`,
      setup: `${run.orders} orders × ${SUBSCRIBERS_PER_ORDER} subscribers`,
      figure: `${run.eventsPerSecond} events/s → ${run.resultsPerSecond} results/s`,
      detail: `publish → result p50 ${run.resultP50Ms} ms, p95 ${run.resultP95Ms} ms; CPU router ${run.routerCpuPercent}%, orders ${run.ordersCpuPercent}%, machine ${run.machineCpuPercent}%; stalls ${run.stalls}, errors ${run.errors}`,
    })),
    {
      measure: 'commit → client',
      setup: `${latency.subscribers} myOrderUpdates, placeOrder at ${latency.ratePerSecond}/s`,
      figure: `p50 ${latency.latencyP50Ms} ms, p95 ${latency.latencyP95Ms} ms`,
      detail: `${latency.received}/${latency.orders} arrived (lost ${latency.lost}, misdelivered ${latency.misdelivered}), max ${latency.latencyMaxMs} ms; placeOrder p50 ${latency.placeOrderP50Ms} ms; place errors ${latency.placeErrors}, errors ${latency.errors}`,
    },
    { measure: 'Hive Gateway', setup: '—', figure: 'not measured', detail: 'see the note above' },
  ];
}

export function liveSummary(report: LiveReport): string {
  const { idle, fanout, fanoutTenViewers: ten, latency } = report;
  return (
    `live: ${idle.kbPerSubscriptionRss} KB RSS (${idle.kbPerSubscriptionHeap} KB heap) per idle subscription over ${idle.subscriptions}; ` +
    `${fanout.eventsPerSecond} events/s → ${fanout.resultsPerSecond} results/s to ${fanout.subscribers} subscribers (${ten.eventsPerSecond} → ${ten.resultsPerSecond} with ${ten.viewersPerOrder} viewers per order); ` +
    `commit → client at ${latency.ratePerSecond} orders/s with ${latency.subscribers} subscribers: p50 ${latency.latencyP50Ms} ms, p95 ${latency.latencyP95Ms} ms, ${latency.received}/${latency.orders} arrived; Hive Gateway not measured`
  );
}
