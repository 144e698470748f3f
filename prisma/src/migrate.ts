/** Applies every service's committed migrations (deploy mode) to a database. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';

export const SERVICES = ['users', 'orders', 'tasks'] as const;
export type Service = (typeof SERVICES)[number];

const root = path.resolve(import.meta.dirname, '..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

function run(args: string[], databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
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
    ['migrate', 'deploy', '--config', path.join(root, service, 'prisma.config.ts')],
    databaseUrl,
  );
}

export async function migrateDatabase(databaseUrl: string): Promise<void> {
  await ensureDatabase(databaseUrl);
  // Each service has its own _prisma_migrations; Prisma's advisory lock serialises them.
  await Promise.all(SERVICES.map((service) => migrateService(service, databaseUrl)));
}
