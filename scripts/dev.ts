/**
 * `npm run dev`: makes sure Postgres and Redis answer (starting local ones where it may),
 * creates, migrates and seeds the database, then runs every service through turbo in watch
 * mode.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ensureDatabase, migrateDatabase } from '@supergraph/prisma/migrate';
import { seedDatabase } from '@supergraph/prisma/seed';
import { DEFAULT_DATABASE_URL, dataDir } from '@supergraph/common';
import { postgresAnswers, startEmbeddedPostgres } from './lib/local-postgres.ts';
import { redisAnswers, redisServerInstalled, startLocalRedis } from './lib/local-redis.ts';

const DEFAULT_REDIS_URL = 'redis://localhost:6379';

const cleanups: Array<() => Promise<unknown>> = [];
const data = dataDir(process.env.DATA_DIR);

function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

async function ensurePostgres(): Promise<string> {
  const explicit = process.env.DATABASE_URL;
  const url = explicit || DEFAULT_DATABASE_URL;
  if (await postgresAnswers(url)) return url;
  if (explicit) {
    fail(
      `Postgres does not answer at DATABASE_URL (${new URL(url).host}). Start it, or unset DATABASE_URL to use an embedded Postgres under .data/.`,
    );
  }
  console.log('• no Postgres at localhost:5432: starting an embedded one under .data/postgres');
  const embedded = await startEmbeddedPostgres(data);
  cleanups.push(embedded.stop);
  return embedded.url;
}

async function ensureRedis(): Promise<string> {
  const url = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  if (await redisAnswers(url)) return url;
  const local = ['localhost', '127.0.0.1'].includes(new URL(url).hostname);
  if (!local || !redisServerInstalled()) {
    fail(
      `Redis does not answer at ${url}.\n  Start one with:  redis-server --daemonize yes --port ${new URL(url).port || 6379}\n` +
        `  or install it:   sudo apt-get install redis-server   (macOS: brew install redis)\n  or set REDIS_URL to a Redis you have.`,
    );
  }
  console.log(`• no Redis at ${url}: starting redis-server with its data under .data/redis`);
  const child = await startLocalRedis(url, data);
  cleanups.push(async () => child.kill('SIGTERM'));
  return url;
}

async function main() {
  const databaseUrl = await ensurePostgres();
  const redisUrl = await ensureRedis();
  const created = await ensureDatabase(databaseUrl);
  console.log(created ? '• created the database' : '• database found');
  await migrateDatabase(databaseUrl);
  console.log('• migrations applied');
  const seeded = await seedDatabase(databaseUrl);
  console.log(`• demo data present: ${JSON.stringify(seeded)}`);

  // The turbo binary itself, not `npx turbo`, so that a forwarded SIGTERM reaches it.
  const turboBin = path.resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'turbo');
  const turbo: ChildProcess = spawn(turboBin, ['run', 'dev', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      TURBO_TELEMETRY_DISABLED: '1',
    },
  });
  const stop = (signal: NodeJS.Signals) => turbo.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  turbo.on('exit', async (code) => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    process.exit(code ?? 0);
  });
}

main().catch(async (error: unknown) => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  fail(error instanceof Error ? error.message : String(error));
});
