/**
 * The whole system in one process, on real Postgres and real HTTP: the three subgraphs and the
 * router, each on a free port, serving the committed supergraph.
 */
import { closeServer, createLogger, listen } from '@supergraph/common';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createUsersClient } from '@supergraph/prisma/users';
import { createServer as createOrders } from '@supergraph/orders/server';
import { createServer as createTasks } from '@supergraph/tasks/server';
import { createServer as createUsers } from '@supergraph/users/server';
import { createTestDatabase } from '@supergraph/testing';
import { SUPERGRAPH_FILE } from '../src/compose.ts';
import { createServer as createRouter } from '../src/server.ts';
import { fileSupergraph } from '../src/supergraph-source.ts';

export const JWT_SECRET = 'e2e-jwt-secret-e2e-jwt-secret-e2e-jwt-secret';
export const SUBGRAPH_SECRET = 'e2e-subgraph-secret-e2e-subgraph-secret-0123';

export type System = {
  url: string;
  routerBase: string;
  databaseUrl: string;
  subgraphUrls: Record<'users' | 'orders' | 'tasks', string>;
  orders: ReturnType<typeof createOrdersClient>;
  stop(): Promise<void>;
};

export async function startSystem({ production = false, poolSize = 4 } = {}): Promise<System> {
  const database = await createTestDatabase();
  const logger = createLogger('e2e', 'silent');
  const common = { logger, subgraphSecret: SUBGRAPH_SECRET, production };
  const dbs = {
    users: createUsersClient({ databaseUrl: database.url, poolSize }),
    orders: createOrdersClient({ databaseUrl: database.url, poolSize }),
    tasks: createTasksClient({ databaseUrl: database.url, poolSize }),
  };
  const subgraphs = {
    users: await createUsers({
      ...common,
      db: dbs.users,
      jwtSecret: JWT_SECRET,
      jwtTtlSeconds: 300,
    }),
    orders: await createOrders({ ...common, db: dbs.orders }),
    tasks: await createTasks({ ...common, db: dbs.tasks }),
  };
  const subgraphUrls = {
    users: `http://127.0.0.1:${await listen(subgraphs.users.http, 0, '127.0.0.1')}/graphql`,
    orders: `http://127.0.0.1:${await listen(subgraphs.orders.http, 0, '127.0.0.1')}/graphql`,
    tasks: `http://127.0.0.1:${await listen(subgraphs.tasks.http, 0, '127.0.0.1')}/graphql`,
  };
  const router = await createRouter({
    logger,
    production,
    supergraph: fileSupergraph(SUPERGRAPH_FILE),
    subgraphUrls,
    jwtSecret: JWT_SECRET,
    subgraphSecret: SUBGRAPH_SECRET,
    corsOrigins: ['https://shop.example.com'],
    maxBodyBytes: 100_000,
  });
  const routerBase = `http://127.0.0.1:${await listen(router.http, 0, '127.0.0.1')}`;
  return {
    url: `${routerBase}/graphql`,
    routerBase,
    databaseUrl: database.url,
    subgraphUrls,
    orders: dbs.orders,
    async stop() {
      await closeServer(router.http, 1000);
      await router.apollo.stop();
      for (const s of Object.values(subgraphs)) {
        await closeServer(s.http, 1000);
        await s.apollo.stop();
      }
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
