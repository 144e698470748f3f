import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { SERVICES, dropDatabase, migrateDatabases, type Service } from './migrate.ts';

const server = new URL(
  process.env.TEST_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
);
const created: string[] = [];

/** A database on the test server that does not exist yet, dropped after the file. */
function newDatabase(label: string): string {
  const url = new URL(server);
  url.pathname = `/sg_migrate_${label}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  created.push(url.toString());
  return url.toString();
}

/** The services' schemas in a database, each with the migrations recorded in it. */
async function schemasIn(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found: Record<string, number> = {};
    for (const service of SERVICES) {
      const { rows } = await client.query<{ table: string | null }>(
        'SELECT to_regclass($1)::text AS table',
        [`"${service}"._prisma_migrations`],
      );
      if (!rows[0]?.table) continue;
      const applied = await client.query(
        `SELECT 1 FROM "${service}"._prisma_migrations WHERE finished_at IS NOT NULL`,
      );
      found[service] = applied.rowCount ?? 0;
    }
    return found;
  } finally {
    await client.end();
  }
}

after(async () => {
  for (const url of created) await dropDatabase(url);
});

describe('migrating each service into its own database', () => {
  it("creates each database and migrates its service alone into it, whatever the shell's variables say", async () => {
    const urls: Record<Service, string> = {
      users: newDatabase('users'),
      orders: newDatabase('orders'),
      tasks: newDatabase('tasks'),
    };
    // Inherited by the Prisma CLI; the database asked for must win over it.
    process.env.ORDERS_DATABASE_URL = urls.users;
    try {
      await migrateDatabases(urls);
    } finally {
      delete process.env.ORDERS_DATABASE_URL;
    }
    for (const service of SERVICES) {
      const schemas = await schemasIn(urls[service]);
      assert.deepEqual(Object.keys(schemas), [service], `the ${service} database`);
      assert.ok(schemas[service]! > 0, `${service} migrations applied`);
    }
  });

  it('migrates services that share a database each into its own schema there', async () => {
    const shared = newDatabase('shared');
    const own = newDatabase('tasks');
    await migrateDatabases({ users: shared, orders: shared, tasks: own });
    assert.deepEqual(Object.keys(await schemasIn(shared)), ['users', 'orders']);
    assert.deepEqual(Object.keys(await schemasIn(own)), ['tasks']);
  });
});
