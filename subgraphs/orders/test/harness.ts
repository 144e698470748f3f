import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Viewer } from '@supergraph/common';
import { createLogger } from '@supergraph/observability';
import { createOrdersClient, type PrismaClient, type Product } from '@supergraph/prisma/orders';
import { closeRedisClient, createRedisClient } from '@supergraph/redis';
import {
  asRouter,
  postGraphQL,
  startTestSubgraph,
  type GraphQLResponse,
} from '@supergraph/testing';
import {
  createOrderEventPublisher,
  type OrderEventPublisher,
} from '../src/order-event-publisher.ts';
import { createServer } from '../src/server.ts';

// Random-looking: the shutdown test runs orders with NODE_ENV=production, which refuses
// guessable secrets.
export const SECRET = 'orders-JHHwa5hs-PqSVAXpTilmvyb0jUEmp_lqK_j1YUWQ';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Harness = {
  url: string;
  db: PrismaClient;
  /** The test database, for code that opens connections of its own (LISTEN). */
  databaseUrl: string;
  /** This subgraph's QUEUE_PREFIX, its own, which names the channel of its order events. */
  prefix: string;
  /** What the subgraph announces committed changes through, for code built beside it. */
  orderEvents: OrderEventPublisher;
  /** Runs `fn` and returns the SQL statements it caused, transaction control left out. */
  countQueries(fn: () => Promise<unknown>): Promise<string[]>;
  call<T>(
    query: string,
    viewer: Viewer | null,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
};

const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET TRANSACTION)\b/i;

/** A fresh database and an orders subgraph on a free port, spoken to over real HTTP. */
export async function startOrders(): Promise<Harness> {
  let recording: string[] | null = null;
  let databaseUrl = '';
  const prefix = `sgtest-${randomUUID().slice(0, 8)}`;
  // The fail-fast client the subgraph runs with; connected first, or the first publishes
  // would fail for want of a connection.
  const redis = createRedisClient(REDIS_URL);
  if (redis.status !== 'ready') await once(redis, 'ready');
  const orderEvents = createOrderEventPublisher({
    redis,
    prefix,
    logger: createLogger('test', 'silent'),
  });
  const { url, db, stop } = await startTestSubgraph({
    secret: SECRET,
    connect: (testDatabaseUrl) => {
      databaseUrl = testDatabaseUrl;
      return createOrdersClient({
        databaseUrl,
        poolSize: 4,
        onQuery: (sql) => {
          if (recording && !TRANSACTION_CONTROL.test(sql)) recording.push(sql);
        },
      });
    },
    build: (client, deps) => createServer({ ...deps, db: client, orderEvents }),
  }).catch(async (error: unknown) => {
    await closeRedisClient(redis);
    throw error;
  });
  return {
    url,
    db,
    databaseUrl,
    prefix,
    orderEvents,
    async stop() {
      await stop();
      await closeRedisClient(redis);
    },
    async countQueries(fn) {
      recording = [];
      try {
        await fn();
        return recording;
      } finally {
        recording = null;
      }
    },
    call: (query, viewer, variables) =>
      postGraphQL(url, query, { variables, headers: asRouter(SECRET, viewer) }),
  };
}

export function customer(): Viewer {
  return { id: randomUUID(), role: 'CUSTOMER' };
}

export function staff(role: 'STAFF' | 'ADMIN' = 'STAFF'): Viewer {
  return { id: randomUUID(), role };
}

export type ProductSeed = { sku: string; name: string; priceCents: number; currency: string };

export async function seedProducts(db: PrismaClient, seeds: ProductSeed[]): Promise<Product[]> {
  const created: Product[] = [];
  // One at a time, so that ids (UUIDv7) follow the seed order.
  for (const data of seeds) created.push(await db.product.create({ data }));
  return created;
}

export const PLACE_ORDER = /* GraphQL */ `
  mutation ($input: PlaceOrderInput!) {
    placeOrder(input: $input) {
      id
      status
      totalCents
      currency
      customer {
        id
      }
      items {
        product {
          id
          name
        }
        quantity
        unitPriceCents
      }
      confirmationEmail {
        status
        attempts
        lastError
        sentAt
      }
      createdAt
    }
  }
`;

export type PlacedOrder = {
  id: string;
  status: string;
  totalCents: number;
  currency: string;
  customer: { id: string };
  items: Array<{ product: { id: string; name: string }; quantity: number; unitPriceCents: number }>;
  confirmationEmail: {
    status: string;
    attempts: number;
    lastError: string | null;
    sentAt: string | null;
  };
  createdAt: string;
};

export type ItemInput = { productId: string; quantity: number };

export async function placeOrder(
  h: Harness,
  viewer: Viewer,
  items: ItemInput[],
  idempotencyKey?: string,
): Promise<PlacedOrder> {
  const res = await h.call<{ placeOrder: PlacedOrder }>(PLACE_ORDER, viewer, {
    input: { items, idempotencyKey },
  });
  if (res.errors || !res.data) throw new Error(`placeOrder failed: ${JSON.stringify(res.errors)}`);
  return res.data.placeOrder;
}
