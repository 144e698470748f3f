import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { connectionFields, createMigrateAdapter, rewriteCatalogTypes } from './migrate-adapter.ts';

const serverUrl =
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
const CATALOG_QUERY = {
  sql: "SELECT n.nspname, n.oid, t.typtype, 'pg_catalog'::regnamespace AS ns FROM pg_namespace n JOIN pg_type t ON t.typnamespace = n.oid WHERE n.nspname = 'pg_catalog' LIMIT 1",
  args: [],
  argTypes: [],
};

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return Boolean(
      (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount,
    );
  } finally {
    await client.end();
  }
}

describe('migrate adapter shim', () => {
  it('rewrites the catalog types the adapter cannot read, and leaves others alone', () => {
    const result = rewriteCatalogTypes({
      fields: [
        { dataTypeID: 19 },
        { dataTypeID: 18 },
        { dataTypeID: 26 },
        { dataTypeID: 4089 },
        { dataTypeID: 23 },
      ],
    });
    assert.deepEqual(
      result.fields.map((f) => f.dataTypeID),
      [25, 25, 20, 20, 23],
    );
  });

  it('splits a URL into discrete fields so the shadow database can differ from the main one', () => {
    assert.deepEqual(connectionFields('postgresql://u%40x:p%2Fw@db.example:6543/shop'), {
      host: 'db.example',
      port: 6543,
      user: 'u@x',
      password: 'p/w',
      database: 'shop',
    });
  });

  it('the stock adapter fails on catalog columns; the shimmed one reads them', async () => {
    const stock = await new PrismaPg({ connectionString: serverUrl, max: 1 }).connect();
    try {
      await assert.rejects(stock.queryRaw(CATALOG_QUERY));
    } finally {
      await stock.dispose();
    }
    const shimmed = await createMigrateAdapter({
      databaseUrl: serverUrl,
      schema: 'public',
    }).connect();
    try {
      const result = await shimmed.queryRaw(CATALOG_QUERY);
      assert.deepEqual(result.columnNames, ['nspname', 'oid', 'typtype', 'ns']);
      assert.equal(result.rows[0]?.[0], 'pg_catalog');
    } finally {
      await shimmed.dispose();
    }
  });

  it('creates a separate shadow database and drops it on dispose', async () => {
    const shadow = await createMigrateAdapter({
      databaseUrl: serverUrl,
      schema: 'public',
    }).connectToShadowDb();
    const result = await shadow.queryRaw({
      sql: 'SELECT current_database()',
      args: [],
      argTypes: [],
    });
    const name = String(result.rows[0]?.[0]);
    assert.match(name, /^prisma_migrate_shadow_db_/);
    assert.equal(await databaseExists(name), true);
    await shadow.dispose();
    assert.equal(await databaseExists(name), false);
  });

  it('runs a script with semicolons inside a function body and a comment as one script', async () => {
    const shadow = await createMigrateAdapter({
      databaseUrl: serverUrl,
      schema: 'public',
    }).connectToShadowDb();
    try {
      await shadow.executeScript(`
        -- a comment; with a semicolon
        CREATE FUNCTION answer() RETURNS int LANGUAGE plpgsql AS $$
        BEGIN
          RETURN 42;
        END
        $$;
        CREATE TABLE t (n int);`);
      const result = await shadow.queryRaw({ sql: 'SELECT answer()', args: [], argTypes: [] });
      assert.equal(Number(result.rows[0]?.[0]), 42);
    } finally {
      await shadow.dispose();
    }
  });
});
