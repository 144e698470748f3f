/**
 * Every test file gets a database of its own, cloned from a template that the committed
 * migrations built. Cloning takes a fraction of a second; migrating takes seconds, so it
 * happens once per migration set (the template's name carries a hash of the SQL).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SERVICES, migrateDatabases, type Service } from '@supergraph/prisma/migrate';

const prismaRoot = path.dirname(fileURLToPath(import.meta.resolve('@supergraph/prisma/migrate')));

/** The server tests run against: TEST_DATABASE_URL, else DATABASE_URL, else local Postgres. */
export function testServerUrl(): URL {
  return new URL(
    process.env.TEST_DATABASE_URL ??
      process.env.DATABASE_URL ??
      'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
  );
}

function withDatabase(base: URL, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const service of SERVICES) {
    const dir = path.join(prismaRoot, '..', service, 'migrations');
    for (const entry of readdirSync(dir).sort()) {
      if (entry.endsWith('.toml')) continue;
      hash.update(entry).update(readFileSync(path.join(dir, entry, 'migration.sql')));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function withAdmin<T>(base: URL, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(base, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function ensureTemplate(base: URL, services: readonly Service[]): Promise<string> {
  const only = SERVICES.filter((service) => services.includes(service));
  const template = [
    `sg_template_${migrationsHash()}`,
    ...(only.length === SERVICES.length ? [] : only),
  ].join('_');
  await withAdmin(base, async (admin) => {
    // Test files in several processes may race to build the same template.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        template,
      ]);
      if (rowCount) return;
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      const url = withDatabase(base, building);
      await migrateDatabases(Object.fromEntries(only.map((service) => [service, url])));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
    }
  });
  return template;
}

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

export type TestDatabaseOptions = {
  /**
   * The services migrated into it, each into its own schema; every service by default. A
   * database that holds one service alone stands for that service's own Postgres server.
   */
  services?: readonly Service[];
};

export async function createTestDatabase({
  services = SERVICES,
}: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const base = testServerUrl();
  const template = await ensureTemplate(base, services);
  const name = `sg_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await withAdmin(base, (admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    url: withDatabase(base, name),
    name,
    drop: () =>
      withAdmin(base, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).then(() => undefined),
  };
}
