/**
 * The driver adapter that `prisma migrate` uses on these machines.
 *
 * Prisma 6's WebAssembly schema engine migrates through a JavaScript driver adapter, which
 * avoids the native engine binary that cannot be downloaded here. The pg adapter has three
 * defects on that path (prisma/orm#27403), and a fourth of its own, worked around here and
 * nowhere else:
 *
 * 1. Introspection reads pg_catalog columns of types the adapter cannot map, failing with
 *    "Column type 'name' could not be deserialized". We report those columns as text or int8.
 * 2. Given a connection string, the adapter's shadow database is really the main database
 *    (the string overrides the database name), so `migrate dev` fails with P3006. We pass
 *    discrete connection fields instead.
 * 3. The shadow database is dropped while its pool still holds connections, failing with
 *    "is being accessed by other users". We close the pool first and drop WITH (FORCE).
 * 4. The adapter runs a migration script by splitting it on every semicolon, which breaks
 *    function bodies and comments that contain one. We send the script whole, as one
 *    simple query, which Postgres also runs as one implicit transaction.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

const TEXT = 25;
const INT8 = 20;

/** pg_catalog type OIDs the adapter cannot deserialize, mapped to ones it can. */
export const CATALOG_TYPE_REWRITES: ReadonlyMap<number, number> = new Map([
  [18, TEXT], // "char"
  [19, TEXT], // name
  [24, INT8], // regproc
  [26, INT8], // oid
  [2205, INT8], // regconfig
  [2206, INT8], // regdictionary
  [4089, INT8], // regnamespace
]);

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

export function rewriteCatalogTypes<T>(result: T): T {
  const fields = (result as QueryResultLike | undefined)?.fields;
  if (Array.isArray(fields)) {
    for (const field of fields) {
      const replacement = CATALOG_TYPE_REWRITES.get(field.dataTypeID);
      if (replacement !== undefined) field.dataTypeID = replacement;
    }
  }
  return result;
}

/** Wraps a client's `query` so every result it yields has its catalog types rewritten. */
function patchQuery(client: pg.Pool | pg.PoolClient): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    const out = original(...args);
    return out instanceof Promise ? out.then(rewriteCatalogTypes) : out;
  };
}

/** A pool whose every query, on the pool or a checked-out client, gets the rewrite. */
export function createPatchedPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('connect', (client) => patchQuery(client));
  patchQuery(pool);
  return pool;
}

/** Splits a URL into discrete fields so that the database name can be replaced. */
export function connectionFields(databaseUrl: string): pg.PoolConfig {
  const url = new URL(databaseUrl);
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
  };
}

type ScriptRunner = {
  client: pg.Pool;
  onError(error: unknown): never;
  executeScript(script: string): Promise<void>;
};

/** Makes a connected adapter send migration scripts whole instead of split on semicolons. */
export function runScriptsWhole<A extends object>(adapter: A): A {
  const runner = adapter as unknown as ScriptRunner;
  runner.executeScript = async (script: string) => {
    try {
      await runner.client.query(script);
    } catch (error) {
      runner.onError(error);
    }
  };
  return adapter;
}

export type MigrateAdapterOptions = {
  databaseUrl: string;
  /** The Postgres schema that this service's tables and `_prisma_migrations` live in. */
  schema: string;
};

/** Builds the factory that `prisma.config.ts` hands to the schema engine. */
export function createMigrateAdapter({ databaseUrl, schema }: MigrateAdapterOptions) {
  const base: pg.PoolConfig = {
    ...connectionFields(databaseUrl),
    // Routes unqualified names, including `_prisma_migrations`, to the service's own schema.
    options: `-c search_path=${schema}`,
    max: 2,
    // The CLI exits when the engine is done; idle connections must not hold it open.
    allowExitOnIdle: true,
    idleTimeoutMillis: 500,
  };
  const factory = new PrismaPg(createPatchedPool(base), { schema, disposeExternalPool: true });

  return {
    provider: factory.provider as 'postgres',
    adapterName: factory.adapterName,
    connect: async () => runScriptsWhole(await factory.connect()),
    async connectToShadowDb() {
      const database = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
      const admin = new pg.Client({ ...base, options: undefined });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${database}"`);
      } finally {
        await admin.end();
      }
      const shadow = new PrismaPg(createPatchedPool({ ...base, database }), {
        schema,
        disposeExternalPool: true,
      });
      const adapter = runScriptsWhole(await shadow.connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        const dropper = new pg.Client({ ...base, options: undefined });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      };
      return adapter;
    },
  };
}

/**
 * The WebAssembly schema engine arms a 10 s timer that it never clears, so every CLI run
 * lingers 10 s after its work is done. Unreferencing long timers armed from WebAssembly lets
 * the process exit as soon as the database work ends; the database sockets keep it alive
 * while work is in flight.
 */
export function releaseEngineTimers(): void {
  const marker = Symbol.for('supergraph.releaseEngineTimers');
  const g = globalThis as typeof globalThis & { [marker]?: boolean };
  if (g[marker]) return;
  g[marker] = true;
  const original = globalThis.setTimeout;
  const patched = (...args: Parameters<typeof setTimeout>) => {
    const timer = original(...args);
    const delay = args[1] ?? 0;
    if (delay >= 5000 && new Error().stack?.includes('wasm://')) timer.unref();
    return timer;
  };
  globalThis.setTimeout = Object.assign(patched, original);
}
