/**
 * A realistic data set for the graph bench, written straight into a fresh database in a few
 * set-based statements: customers and staff, a catalogue, orders with their items spread over
 * a year, and tasks (a fulfilment task per recent order, assigned to staff, plus customers'
 * own to-dos). Ids are UUIDv7-shaped and time-ordered, as the services make them, so that
 * pagination walks the same indexes it walks in production.
 */
import pg from 'pg';

/** How much to seed; the defaults are the bench's. */
export type SeedSize = {
  customers: number;
  staff: number;
  products: number;
  orders: number;
  tasks: number;
};

export const DEFAULT_SIZE: SeedSize = {
  customers: 10_000,
  staff: 20,
  products: 200,
  orders: 100_000,
  tasks: 50_000,
};

export type Seeded = SeedSize & {
  items: number;
  staffIds: string[];
  customerIds: string[];
  productIds: string[];
};

/** A UUIDv7-like id from a timestamp expression: ordered by time, random below it. */
const uuid7 = (at: string) =>
  `(lpad(to_hex((extract(epoch from ${at}) * 1000)::bigint), 12, '0') || '7' ||
    substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid`;

export async function seedBenchData(
  databaseUrl: string,
  size: SeedSize = DEFAULT_SIZE,
): Promise<Seeded> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    // Users: staff first, then customers; nobody logs in (the bench mints tokens).
    await client.query(
      `INSERT INTO users.users (id, name, email, password_hash, role, created_at, updated_at)
       SELECT ${uuid7("now() - interval '2 years' + n * interval '1 second'")},
              CASE WHEN n <= $1::int THEN 'Staff ' ELSE 'Customer ' END || n,
              'user' || n || '@bench.example',
              'scrypt$unused',
              CASE WHEN n <= $1::int THEN 'STAFF' ELSE 'CUSTOMER' END::users."Role",
              now(), now()
       FROM generate_series(1, $1::int + $2::int) AS n`,
      [size.staff, size.customers],
    );
    await client.query(
      `INSERT INTO orders.products (id, sku, name, price_cents, currency, created_at)
       SELECT ${uuid7("now() - interval '2 years' + n * interval '1 second'")},
              'BENCH-' || n, 'Product ' || n, 500 + (n * 37) % 9500, 'USD', now()
       FROM generate_series(1, $1::int) AS n`,
      [size.products],
    );
    const { rows: users } = await client.query<{ id: string; role: string }>(
      `SELECT id::text, role::text FROM users.users ORDER BY id`,
    );
    const staffIds = users.filter((u) => u.role === 'STAFF').map((u) => u.id);
    const customerIds = users.filter((u) => u.role === 'CUSTOMER').map((u) => u.id);
    const { rows: products } = await client.query<{ id: string }>(
      `SELECT id::text FROM orders.products ORDER BY id`,
    );
    const productIds = products.map((p) => p.id);

    // Orders over the past year, newest last; each customer gets its share.
    await client.query(
      `CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
       SELECT n, ${uuid7("now() - interval '365 days' + n * (interval '365 days' / $1::int)")} AS id,
              ($2::uuid[])[1 + (n * 7919) % array_length($2::uuid[], 1)] AS customer_id,
              2 + n % 2 AS item_count
       FROM generate_series(1, $1::int) AS n`,
      [size.orders, customerIds],
    );
    await client.query(
      `INSERT INTO orders.orders (id, customer_id, status, total_cents, currency, created_at, updated_at)
       SELECT o.id, o.customer_id,
              (ARRAY['PENDING', 'CONFIRMED', 'FULFILLED', 'CANCELLED'])[1 + o.n % 4]::orders."OrderStatus",
              (SELECT sum((1 + (o.n + p) % 3) * (500 + ((o.n + p) * 37) % 9500))::int
               FROM generate_series(0, o.item_count - 1) AS p),
              'USD', now(), now()
       FROM bench_orders o`,
    );
    await client.query(
      `INSERT INTO orders.order_items (id, order_id, product_id, position, quantity, unit_price_cents)
       SELECT gen_random_uuid(), o.id,
              ($1::uuid[])[1 + (o.n * 31 + p * 101) % array_length($1::uuid[], 1)],
              p, 1 + (o.n + p) % 3, 500 + ((o.n + p) * 37) % 9500
       FROM bench_orders o, generate_series(0, 2) AS p
       WHERE p < o.item_count`,
      [productIds],
    );
    // Tasks: the newest orders' fulfilment tasks, assigned to staff, then customers' to-dos.
    const fulfilment = Math.min(size.orders, Math.floor(size.tasks * 0.8));
    await client.query(
      `INSERT INTO tasks.tasks (id, title, status, owner_id, assignee_id, order_id, kind, origin_key, created_at, updated_at)
       SELECT ${uuid7('now()')}, 'Fulfil order #' || right(replace(o.id::text, '-', ''), 12),
              (ARRAY['OPEN', 'DONE'])[1 + o.n % 2]::tasks."TaskStatus",
              o.customer_id, ($2::uuid[])[1 + o.n % array_length($2::uuid[], 1)], o.id,
              'FULFILMENT', 'fulfil.' || o.id, now(), now()
       FROM bench_orders o WHERE o.n > $1::int`,
      [size.orders - fulfilment, staffIds],
    );
    await client.query(
      `INSERT INTO tasks.tasks (id, title, status, owner_id, kind, created_at, updated_at)
       SELECT ${uuid7("now() - interval '30 days' + n * interval '1 second'")}, 'To-do ' || n,
              'OPEN', ($2::uuid[])[1 + (n * 13) % array_length($2::uuid[], 1)], 'TODO', now(), now()
       FROM generate_series(1, $1::int) AS n`,
      [size.tasks - fulfilment, customerIds],
    );
    const { rows } = await client.query<{ count: string }>(
      'SELECT count(*)::text AS count FROM orders.order_items',
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
    return { ...size, items: Number(rows[0]?.count ?? 0), staffIds, customerIds, productIds };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
