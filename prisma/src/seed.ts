/**
 * Demo data, safe to load any number of times: every row has a fixed id and is only created
 * when missing, so re-seeding never duplicates or overwrites what a developer changed.
 */
import { hashPassword } from '@supergraph/auth';
import type { DatabaseUrls } from '@supergraph/config';
import { createOrdersClient } from './orders.ts';
import { seedId } from './seed-ids.ts';
import { createTasksClient } from './tasks.ts';
import { createUsersClient } from './users.ts';

type Role = 'CUSTOMER' | 'STAFF' | 'ADMIN';

/** Dev accounts, documented in the README. */
export const DEV_ACCOUNTS: ReadonlyArray<{
  email: string;
  name: string;
  role: Role;
  password: string;
}> = [
  { email: 'admin@example.com', name: 'Ada Admin', role: 'ADMIN', password: 'supergraph-admin' },
  { email: 'staff@example.com', name: 'Sam Staff', role: 'STAFF', password: 'supergraph-staff' },
  {
    email: 'customer@example.com',
    name: 'Cory Customer',
    role: 'CUSTOMER',
    password: 'supergraph-customer',
  },
  {
    email: 'customer2@example.com',
    name: 'Dana Customer',
    role: 'CUSTOMER',
    password: 'supergraph-customer',
  },
];

const PRODUCTS: ReadonlyArray<[sku: string, name: string, priceCents: number]> = [
  ['MUG-001', 'Federation Mug', 1299],
  ['TEE-001', 'Supergraph T-Shirt', 2499],
  ['HOOD-001', 'Gateway Hoodie', 5499],
  ['CAP-001', 'Resolver Cap', 1999],
  ['STK-001', 'Sticker Pack', 499],
  ['NB-001', 'Schema Notebook', 899],
  ['PEN-001', 'Query Pen', 299],
  ['BAG-001', 'Tote Bag', 1599],
  ['SOCK-001', 'Cursor Socks', 1099],
  ['BOT-001', 'Water Bottle', 2299],
  ['KEY-001', 'Mechanical Keyboard', 12999],
  ['MOU-001', 'Wireless Mouse', 3999],
  ['PAD-001', 'Desk Mat', 2799],
  ['LMP-001', 'Desk Lamp', 4599],
  ['HDP-001', 'Headphones', 8999],
  ['CBL-001', 'USB-C Cable', 1299],
  ['HUB-001', 'USB-C Hub', 4999],
  ['STD-001', 'Laptop Stand', 3599],
  ['PLT-001', 'Desk Plant', 1899],
  ['CHR-001', 'Ergonomic Chair', 29999],
];

export type SeedSummary = { users: number; products: number; orders: number; tasks: number };

/** Seeds each service's rows into that service's database. */
export async function seedDatabase(urls: DatabaseUrls): Promise<SeedSummary> {
  const users = createUsersClient({ databaseUrl: urls.users, poolSize: 2 });
  const orders = createOrdersClient({ databaseUrl: urls.orders, poolSize: 2 });
  const tasks = createTasksClient({ databaseUrl: urls.tasks, poolSize: 2 });
  try {
    const accounts = new Map<string, string>();
    for (const [i, account] of DEV_ACCOUNTS.entries()) {
      const existing = await users.user.findUnique({ where: { email: account.email } });
      const row =
        existing ??
        (await users.user.create({
          data: {
            id: seedId(`user:${account.email}`, i),
            email: account.email,
            name: account.name,
            role: account.role,
            passwordHash: await hashPassword(account.password),
          },
        }));
      accounts.set(account.email, row.id);
    }

    const productIds: string[] = [];
    for (const [i, [sku, name, priceCents]] of PRODUCTS.entries()) {
      const row = await orders.product.upsert({
        where: { sku },
        create: { id: seedId(`product:${sku}`, i), sku, name, priceCents, currency: 'USD' },
        update: {},
      });
      productIds.push(row.id);
    }
    const prices = new Map((await orders.product.findMany()).map((p) => [p.id, p.priceCents]));

    const staffId = accounts.get('staff@example.com')!;
    let orderCount = 0;
    let taskCount = 0;
    for (const [c, email] of ['customer@example.com', 'customer2@example.com'].entries()) {
      const customerId = accounts.get(email)!;
      for (let n = 0; n < 3; n++) {
        const orderId = seedId(`order:${email}:${n}`, 100 + c * 10 + n);
        const lines = [0, 1].map((k) => {
          const productId = productIds[(c * 7 + n * 3 + k * 5) % productIds.length]!;
          return { productId, quantity: 1 + ((n + k) % 3), unitPriceCents: prices.get(productId)! };
        });
        const totalCents = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
        const status = n === 0 ? 'FULFILLED' : 'CONFIRMED';
        const exists = await orders.order.findUnique({
          where: { id: orderId },
          select: { id: true },
        });
        if (!exists) {
          await orders.order.create({
            data: {
              id: orderId,
              customerId,
              status,
              totalCents,
              currency: 'USD',
              idempotencyKey: `seed-${n}`,
              items: {
                create: lines.map((l, position) => ({
                  ...l,
                  id: seedId(`item:${orderId}:${position}`, 200),
                  position,
                })),
              },
              email: {
                create: { status: 'SENT', attempts: 1, sentAt: new Date(Date.UTC(2026, 0, 1)) },
              },
            },
          });
        }
        orderCount++;
        const fulfil = seedId(`task:fulfil:${orderId}`, 300 + c * 10 + n);
        await tasks.task.upsert({
          where: { id: fulfil },
          create: {
            id: fulfil,
            title: `Fulfil order #${orderId.replaceAll('-', '').slice(-12)}`,
            ownerId: staffId,
            assigneeId: staffId,
            orderId,
            status: status === 'FULFILLED' ? 'DONE' : 'OPEN',
            completedAt: status === 'FULFILLED' ? new Date(Date.UTC(2026, 0, 2)) : null,
          },
          update: {},
        });
        const own = seedId(`task:own:${orderId}`, 400 + c * 10 + n);
        await tasks.task.upsert({
          where: { id: own },
          create: {
            id: own,
            title: n === 0 ? 'Write a review' : 'Check the delivery',
            notes: 'A personal reminder about this order.',
            ownerId: customerId,
            orderId,
            dueAt: new Date(Date.UTC(2030, 0, 1 + n)),
          },
          update: {},
        });
        taskCount += 2;
      }
    }
    return {
      users: accounts.size,
      products: productIds.length,
      orders: orderCount,
      tasks: taskCount,
    };
  } finally {
    await Promise.all([users.$disconnect(), orders.$disconnect(), tasks.$disconnect()]);
  }
}
