/**
 * The pages the shop renders most, through the real router, must cost the same number of SQL
 * statements whatever their page size: every entity reference and nested list is batched.
 * Statements are counted from Prisma's query events (see `onQuery` in harness.ts), which fire
 * for every statement the client engine sends through the pg adapter, raw SQL included; only
 * transaction control (BEGIN, COMMIT) is left out, and read-only pages send none.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { issueToken, tokenKey, type Role } from '@supergraph/auth';
import { uuid7 } from '@supergraph/common';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createUsersClient } from '@supergraph/prisma/users';
import { CUSTOMER_DASHBOARD, STAFF_LIST_PAGE, postGraphQL } from '@supergraph/testing';
import { JWT_SECRET, startSystem, type System } from './harness.ts';

type Service = 'users' | 'orders' | 'tasks';
type Statement = { service: Service; sql: string };

const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET TRANSACTION)\b/i;

let system: System;
/** Null while nothing is measured, so that seeding and warm-up are not counted. */
let recording: Statement[] | null = null;

type Account = { id: string; name: string; role: Role };
const staff: Account = { id: uuid7(), name: 'Sam Staff', role: 'STAFF' };
/** Warehouse staff whom fulfilment tasks are assigned to. */
const pickers: Account[] = ['Pia Picker', 'Pat Packer', 'Quinn Courier'].map((name) => ({
  id: uuid7(),
  name,
  role: 'STAFF',
}));
/** The first customer has more than a dashboard page of orders and tasks. */
const ORDERS_PER_CUSTOMER = [24, 10, 9, 8, 8, 7];
const customers: Account[] = ORDERS_PER_CUSTOMER.map((_, i) => ({
  id: uuid7(),
  name: `Customer ${i + 1}`,
  role: 'CUSTOMER',
}));
const PRODUCTS = ['Mug', 'T-Shirt', 'Poster', 'Sticker', 'Tote Bag', 'Cap'];

type SeededOrder = {
  id: string;
  customer: string;
  status: string;
  items: Array<{ quantity: number; product: string }>;
  tasks: Array<{ title: string; assignee: string | null }>;
};
type TaskSeed = {
  id: string;
  kind: 'TODO' | 'FULFILMENT';
  title: string;
  ownerId: string;
  assigneeId: string | null;
  orderId: string | null;
};
/** Everything seeded, newest order first: what the pages must answer. */
const seeded: SeededOrder[] = [];
/** The first customer's tasks, newest first, with their order's status (null without order). */
const dashboardTasks: Array<string | null> = [];

async function seed(system: System): Promise<void> {
  const users = createUsersClient({ databaseUrl: system.databaseUrl, poolSize: 1 });
  const tasks = createTasksClient({ databaseUrl: system.databaseUrl, poolSize: 1 });
  try {
    await users.user.createMany({
      data: [staff, ...pickers, ...customers].map(({ id, name, role }) => ({
        id,
        name,
        role,
        email: `${name.toLowerCase().replaceAll(' ', '.')}@example.com`,
        passwordHash: 'not-a-real-hash',
      })),
    });
    const products = PRODUCTS.map((name, i) => ({
      id: uuid7(),
      sku: `N1-${i}`,
      name,
      priceCents: 500 + 100 * i,
      currency: 'USD',
    }));
    await system.orders.product.createMany({ data: products });

    const statuses = ['PENDING', 'CONFIRMED', 'FULFILLED', 'CANCELLED'] as const;
    const orderRows = [];
    const itemRows = [];
    const taskRows: TaskSeed[] = [];
    // Interleaved across customers, so that one staff page holds orders of all of them.
    const queue = customers.flatMap((customer, c) =>
      Array.from({ length: ORDERS_PER_CUSTOMER[c]! }, (_, n) => ({ customer, n })),
    );
    queue.sort((a, b) => a.n - b.n);
    for (const [i, { customer }] of queue.entries()) {
      const id = uuid7();
      const status = statuses[i % statuses.length]!;
      const count = 2 + (i % 2);
      const items = Array.from({ length: count }, (_, position) => ({
        id: uuid7(),
        orderId: id,
        productId: products[(i + position) % products.length]!.id,
        position,
        quantity: 1 + ((i + position) % 4),
        unitPriceCents: 500,
      }));
      orderRows.push({
        id,
        customerId: customer.id,
        status,
        totalCents: items.reduce((sum, item) => sum + item.quantity * 500, 0),
        currency: 'USD',
      });
      itemRows.push(...items);
      // The fulfilment task, owned by the customer as the saga creates it, assigned to staff;
      // every third order also carries a staff note, every fifth one unassigned.
      const orderTasks: TaskSeed[] = [
        {
          id: uuid7(),
          kind: 'FULFILMENT',
          title: `Fulfil order ${i}`,
          ownerId: customer.id,
          assigneeId: pickers[i % pickers.length]!.id,
          orderId: id,
        },
      ];
      if (i % 3 === 0) {
        orderTasks.push({
          id: uuid7(),
          kind: 'FULFILMENT',
          title: `Check address of order ${i}`,
          ownerId: staff.id,
          assigneeId: i % 5 === 0 ? null : pickers[(i + 1) % pickers.length]!.id,
          orderId: id,
        });
      }
      taskRows.push(...orderTasks);
      seeded.unshift({
        id,
        customer: customer.name,
        status,
        items: items.map((item) => ({
          quantity: item.quantity,
          product: products.find((p) => p.id === item.productId)!.name,
        })),
        // Order.tasks is newest first.
        tasks: orderTasks
          .map((task) => ({
            title: task.title,
            assignee: pickers.find((p) => p.id === task.assigneeId)?.name ?? null,
          }))
          .reverse(),
      });
      if (customer === customers[0]) dashboardTasks.unshift(status);
      // Some of the customer's own to-dos have no order at all.
      if (customer === customers[0] && i % 4 === 0) {
        taskRows.push({
          id: uuid7(),
          kind: 'TODO',
          title: `Remember order ${i}`,
          ownerId: customer.id,
          assigneeId: customer.id,
          orderId: null,
        });
        dashboardTasks.unshift(null);
      }
    }
    await system.orders.order.createMany({ data: orderRows });
    await system.orders.orderItem.createMany({ data: itemRows });
    await tasks.task.createMany({ data: taskRows });
  } finally {
    await Promise.all([users.$disconnect(), tasks.$disconnect()]);
  }
}

async function tokenFor(account: Account): Promise<string> {
  return issueToken(tokenKey(JWT_SECRET), { id: account.id, role: account.role }, 300);
}

type Measured<T> = { data: T; statements: Statement[] };

/** Sends one operation and returns its answer with the statements it caused. */
async function measure<T>(
  query: string,
  variables: Record<string, unknown>,
  account: Account,
): Promise<Measured<T>> {
  const headers = { authorization: `Bearer ${await tokenFor(account)}` };
  recording = [];
  try {
    const res = await postGraphQL<T>(system.url, query, { variables, headers });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    assert.equal(res.status, 200);
    return { data: res.data!, statements: recording };
  } finally {
    recording = null;
  }
}

function perService(statements: Statement[]): Record<Service, number> {
  const counts = { users: 0, orders: 0, tasks: 0 };
  for (const { service } of statements) counts[service] += 1;
  return counts;
}

/** Prints the count in the test report, where a reader of the run can see it. */
function report(t: TestContext, label: string, measured: Measured<unknown>): void {
  t.diagnostic(
    `${label}: ${measured.statements.length} statements ${JSON.stringify(perService(measured.statements))}`,
  );
}

before(async () => {
  system = await startSystem({
    onQuery: (service, sql) => {
      if (recording && !TRANSACTION_CONTROL.test(sql)) recording.push({ service, sql });
    },
  });
  await seed(system);
});
after(() => system.stop());

type StaffPage = {
  orders: {
    edges: Array<{
      node: {
        id: string;
        status: string;
        customer: { name: string };
        items: Array<{ quantity: number; product: { name: string } }>;
        tasks: Array<{ title: string; assignee: { name: string } | null }>;
      };
    }>;
  };
};

type Dashboard = {
  me: {
    orders: { edges: Array<{ node: { items: Array<{ product: { name: string } }> } }> };
    tasks: { edges: Array<{ node: { order: { status: string } | null } }> };
  };
};

describe('no N+1 through the router', () => {
  it('seeds enough data for the pages to mean something', () => {
    assert.ok(seeded.length >= 60, `${seeded.length} orders`);
    assert.ok(ORDERS_PER_CUSTOMER[0]! >= 20 && dashboardTasks.length >= 20);
  });

  it('the staff orders page costs as many statements for 50 orders as for 5', async (t) => {
    // Warm-up: the router's query planning and the first connections are not what is measured.
    await measure(STAFF_LIST_PAGE, { first: 1 }, staff);
    const small = await measure<StaffPage>(STAFF_LIST_PAGE, { first: 5 }, staff);
    const large = await measure<StaffPage>(STAFF_LIST_PAGE, { first: 50 }, staff);
    report(t, 'staff orders(first: 5)', small);
    report(t, 'staff orders(first: 50)', large);

    const expected = seeded.slice(0, 50);
    assert.deepEqual(
      large.data.orders.edges.map(({ node }) => node),
      expected.map(({ id, status, customer, items, tasks }) => ({
        id,
        status,
        customer: { name: customer },
        items: items.map(({ quantity, product }) => ({ quantity, product: { name: product } })),
        tasks: tasks.map(({ title, assignee }) => ({
          title,
          assignee: assignee === null ? null : { name: assignee },
        })),
      })),
    );
    assert.equal(small.data.orders.edges.length, 5);
    assert.deepEqual(
      large.statements.map((s) => s.service).sort(),
      small.statements.map((s) => s.service).sort(),
      `5 orders: ${small.statements.length} statements, 50 orders: ${large.statements.length}`,
    );
    // One list, items, products; customers and assignees; the orders' tasks.
    assert.deepEqual(perService(large.statements), { orders: 3, users: 2, tasks: 1 });
  });

  it("a customer's dashboard costs as many statements for 20 rows as for 2", async (t) => {
    const customer = customers[0]!;
    await measure(CUSTOMER_DASHBOARD, { first: 1 }, customer);
    const small = await measure<Dashboard>(CUSTOMER_DASHBOARD, { first: 2 }, customer);
    const large = await measure<Dashboard>(CUSTOMER_DASHBOARD, { first: 20 }, customer);
    report(t, 'dashboard first: 2', small);
    report(t, 'dashboard first: 20', large);

    const own = seeded.filter((order) => order.customer === customer.name).slice(0, 20);
    assert.deepEqual(
      large.data.me.orders.edges.map(({ node }) => node.items.map((item) => item.product.name)),
      own.map((order) => order.items.map((item) => item.product)),
    );
    assert.deepEqual(
      large.data.me.tasks.edges.map(({ node }) => node.order?.status ?? null),
      dashboardTasks.slice(0, 20),
    );
    assert.deepEqual(
      large.statements.map((s) => s.service).sort(),
      small.statements.map((s) => s.service).sort(),
      `2 rows: ${small.statements.length} statements, 20 rows: ${large.statements.length}`,
    );
    // me; the page of orders, their items and products; the page of tasks; their orders.
    assert.deepEqual(perService(large.statements), { users: 1, orders: 4, tasks: 1 });
  });

  it('counts nothing while no request is in flight', async () => {
    recording = [];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const idle = recording;
    recording = null;
    assert.deepEqual(idle, []);
  });
});
