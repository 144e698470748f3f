/** Applies every service's committed migrations (deploy mode), each to its own database. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SERVICES, databaseUrlVariable, type DatabaseUrls, type Service } from '@supergraph/config';
import pg from 'pg';

export { SERVICES, type DatabaseUrls, type Service };

const root = path.resolve(import.meta.dirname, '..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

function run(service: Service, args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      cwd: root,
      env: {
        ...process.env,
        // The service's own variable too: the config reads it first, and one inherited from
        // the shell would otherwise win over the database asked for.
        DATABASE_URL: databaseUrl,
        [databaseUrlVariable(service)]: databaseUrl,
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`prisma ${args.join(' ')} failed:\n${output}`)),
    );
  });
}

function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Runs `fn` on a connection to the server's `postgres` database, for database-level DDL. */
async function withServer<T>(
  databaseUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL if it does not exist yet. */
export function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  return withServer(databaseUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoted(name)}`);
      return true;
    } catch (error) {
      // Another process created it between the check and the create.
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
  });
}

/** Drops the database named in the URL, disconnecting whoever still uses it. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  await withServer(databaseUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoted(databaseName(databaseUrl))} WITH (FORCE)`),
  );
}

export async function migrateService(service: Service, databaseUrl: string): Promise<string> {
  return run(
    service,
    ['migrate', 'deploy', '--config', path.join(root, service, 'prisma.config.ts')],
    databaseUrl,
  );
}

/** The same database for every service, each in its own schema. */
export function sharedDatabase(databaseUrl: string): DatabaseUrls {
  return { users: databaseUrl, orders: databaseUrl, tasks: databaseUrl };
}

/** The databases that `urls` name, each once, in service order. */
export function distinctDatabases(urls: Partial<DatabaseUrls>): string[] {
  return [...new Set(SERVICES.flatMap((service) => urls[service] ?? []))];
}

/**
 * Creates each database that `urls` name and does not exist yet, then migrates each service
 * given into its own database (and no other service into it).
 */
export async function migrateDatabases(urls: Partial<DatabaseUrls>): Promise<void> {
  await Promise.all(distinctDatabases(urls).map((url) => ensureDatabase(url)));
  // Each service has its own _prisma_migrations; where services share a database, Prisma's
  // advisory lock serialises them.
  await Promise.all(
    SERVICES.flatMap((service) => {
      const url = urls[service];
      return url ? [migrateService(service, url)] : [];
    }),
  );
}

export function migrateDatabase(databaseUrl: string): Promise<void> {
  return migrateDatabases(sharedDatabase(databaseUrl));
}
