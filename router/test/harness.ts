/**
 * The whole system in one process, on real Postgres and real HTTP: the three subgraphs and the
 * router, each on a free port, serving the committed supergraph.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { RedisTarget } from '@supergraph/config';
import { closeServer, listen } from '@supergraph/lifecycle';
import { createLogger } from '@supergraph/observability';
import { closeRedisClient, createRedisClient, publishOrderEvent } from '@supergraph/redis';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createUsersClient } from '@supergraph/prisma/users';
import { createServer as createOrders } from '@supergraph/orders/server';
import { createServer as createTasks } from '@supergraph/tasks/server';
import { createServer as createUsers } from '@supergraph/users/server';
import { createTestDatabase, postGraphQL } from '@supergraph/testing';
import { SUPERGRAPH_FILE } from '../src/compose.ts';
import { DEFAULT_LIMITS, type OperationLimits } from '../src/limits/operation-limits.ts';
import { createServer as createRouter, type PersistedQueries } from '../src/server.ts';
import type { LiveLimits } from '../src/live/live-limits.ts';
import type { SubgraphResilience } from '../src/subgraph-fetcher.ts';
import { fileSupergraph } from '../src/supergraph-source.ts';

// Fixed so that every process of a test agrees, and random-looking because some of them run
// with NODE_ENV=production, which refuses guessable secrets (packages/config/src/secrets.ts).
export const JWT_SECRET = 'e2e-I7ysj1OuMGA9KXED7XM1i55YV8sHfyT-GylwoGSP';
export const SUBGRAPH_SECRET = 'e2e-qUHKb8jeN-FB5x3EvlHBl802qNxc06rVkPD28lyZ';
/** The committed supergraph the system serves, for another gateway to serve beside it. */
export { SUPERGRAPH_FILE };

export type System = {
  url: string;
  routerBase: string;
  databaseUrl: string;
  subgraphUrls: Record<'users' | 'orders' | 'tasks', string>;
  orders: ReturnType<typeof createOrdersClient>;
  /** The QUEUE_PREFIX of this system: its order events' channel, apart from other tests'. */
  queuePrefix: string;
  /** The Redis every service of this system uses, for a job worker to join them there. */
  redis: RedisTarget;
  /** Starts one more router on the same subgraphs and Redis; returns its /graphql URL. */
  addRouter(options?: RouterOptions): Promise<string>;
  /** Stops one subgraph's HTTP server, as a crash would; its port then refuses connections. */
  stopSubgraph(name: 'users' | 'orders' | 'tasks'): Promise<void>;
  /** Starts a stopped subgraph again on the same port. */
  restartSubgraph(name: 'users' | 'orders' | 'tasks'): Promise<void>;
  stop(): Promise<void>;
};

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type RouterOptions = {
  production?: boolean;
  limits?: Partial<OperationLimits>;
  /**
   * Requests per client per window; off unless given. The router trusts one proxy hop, so a
   * test isolates its clients by sending each its own `x-forwarded-for` address.
   */
  rateLimit?: { points: number; windowSeconds: number };
  persistedQueries?: PersistedQueries;
  maxBodyBytes?: number;
  resilience?: Partial<SubgraphResilience>;
  live?: Partial<LiveLimits>;
};

export type SystemOptions = RouterOptions & {
  /** The Redis every service uses, one server or a cluster; REDIS_URL's by default. */
  redis?: RedisTarget;
  /** Where every service's JSON log lines go, each under its own name; silent without it. */
  logs?: { level: string; destination: Writable };
  poolSize?: number;
  /** Called with each SQL statement a subgraph sends to Postgres, for tests that count them. */
  onQuery?: (service: 'users' | 'orders' | 'tasks', sql: string) => void;
};

export async function startSystem({
  poolSize = 4,
  onQuery,
  logs,
  redis: target = REDIS_URL,
  ...routerOptions
}: SystemOptions = {}): Promise<System> {
  const production = routerOptions.production ?? false;
  const database = await createTestDatabase();
  const loggerOf = (service: string) =>
    logs ? createLogger(service, logs.level, logs.destination) : createLogger(service, 'silent');
  const common = { subgraphSecret: SUBGRAPH_SECRET, production };
  const dbs = {
    users: createUsersClient({
      databaseUrl: database.url,
      poolSize,
      onQuery: onQuery && ((sql) => onQuery('users', sql)),
    }),
    orders: createOrdersClient({
      databaseUrl: database.url,
      poolSize,
      onQuery: onQuery && ((sql) => onQuery('orders', sql)),
    }),
    tasks: createTasksClient({
      databaseUrl: database.url,
      poolSize,
      onQuery: onQuery && ((sql) => onQuery('tasks', sql)),
    }),
  };
  // One fail-fast client, as each process has: the users subgraph's log-in counters (limits
  // no test reaches, in this system's own keys), and the routers' rate limits and APQ cache.
  const redis = createRedisClient(target);
  if (redis.status !== 'ready') await once(redis, 'ready');
  const queuePrefix = `live-${database.name}`;
  const subgraphs = {
    users: await createUsers({
      ...common,
      logger: loggerOf('users'),
      db: dbs.users,
      redis,
      jwtSecret: JWT_SECRET,
      jwtTtlSeconds: 300,
      loginLimits: { maxFailuresPerEmail: 1000, maxAttemptsPerIp: 1000, windowSeconds: 60 },
      rateLimitNamespace: database.name,
    }),
    orders: await createOrders({
      ...common,
      logger: loggerOf('orders'),
      db: dbs.orders,
      // As in production, a lost event costs subscribers an update, never the caller its answer.
      orderEvents: {
        publish: (event) => publishOrderEvent(redis, queuePrefix, event).catch(() => {}),
      },
    }),
    tasks: await createTasks({ ...common, logger: loggerOf('tasks'), db: dbs.tasks }),
  };
  const subgraphUrls = {
    users: `http://127.0.0.1:${await listen(subgraphs.users.http, 0, '127.0.0.1')}/graphql`,
    orders: `http://127.0.0.1:${await listen(subgraphs.orders.http, 0, '127.0.0.1')}/graphql`,
    tasks: `http://127.0.0.1:${await listen(subgraphs.tasks.http, 0, '127.0.0.1')}/graphql`,
  };
  const routers: Array<Awaited<ReturnType<typeof createRouter>>> = [];
  async function addRouter(options: RouterOptions = {}): Promise<string> {
    const router = await createRouter({
      logger: loggerOf('router'),
      production: options.production ?? false,
      supergraph: fileSupergraph(SUPERGRAPH_FILE),
      subgraphUrls,
      jwtSecret: JWT_SECRET,
      subgraphSecret: SUBGRAPH_SECRET,
      corsOrigins: ['https://shop.example.com'],
      maxBodyBytes: options.maxBodyBytes ?? 100_000,
      redis,
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      rateLimit: options.rateLimit ?? null,
      persistedQueries: options.persistedQueries ?? { mode: 'apq', ttlSeconds: 60 },
      trustedProxyHops: 1,
      queuePrefix,
      live: options.live,
      subgraphResilience: () => ({
        timeoutMs: 10_000,
        failuresToOpen: 5,
        halfOpenAfterMs: 5_000,
        ...options.resilience,
      }),
    });
    routers.push(router);
    return `http://127.0.0.1:${await listen(router.http, 0, '127.0.0.1')}/graphql`;
  }
  const url = await addRouter(routerOptions);
  return {
    url,
    routerBase: url.replace(/\/graphql$/, ''),
    databaseUrl: database.url,
    subgraphUrls,
    orders: dbs.orders,
    queuePrefix,
    redis: target,
    addRouter,
    async stopSubgraph(name) {
      await closeServer(subgraphs[name].http, 1000);
    },
    async restartSubgraph(name) {
      await listen(subgraphs[name].http, Number(new URL(subgraphUrls[name]).port), '127.0.0.1');
    },
    async stop() {
      for (const router of routers) {
        await router.closeLive();
        await closeServer(router.http, 1000);
        await router.stop();
      }
      for (const s of Object.values(subgraphs)) {
        await closeServer(s.http, 1000);
        await s.apollo.stop();
      }
      await closeRedisClient(redis);
      await Promise.all(Object.values(dbs).map((db) => db.$disconnect()));
      await database.drop();
    },
  };
}

/** Seeds a small catalogue straight into the orders schema and returns the product ids. */
export async function seedProducts(system: System): Promise<string[]> {
  const rows = await Promise.all(
    [
      ['E2E-MUG', 'Mug', 1250],
      ['E2E-TEE', 'T-Shirt', 2000],
    ].map(([sku, name, priceCents]) =>
      system.orders.product.create({
        data: {
          sku: String(sku),
          name: String(name),
          priceCents: Number(priceCents),
          currency: 'USD',
        },
      }),
    ),
  );
  return rows.map((row) => row.id);
}

/** A signed-up customer: the token to send and the new account's id. */
export type Auth = { token: string; user: { id: string } };

/** Signs a customer up through the router. */
export async function signUp(system: System, email: string, name: string): Promise<Auth> {
  const res = await postGraphQL<{ signUp: Auth }>(
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
    { variables: { input: { name, email, password: 'a long enough password' } } },
  );
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return res.data!.signUp;
}
