import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { databaseUrlFromEnv } from './database-url.ts';
import { createMigrateAdapter, releaseEngineTimers } from './migrate-adapter.ts';

/**
 * The Prisma CLI config of one service: its schema and migrations live in `dir`, and it
 * migrates through the pg driver adapter into its own Postgres schema.
 */
export function serviceConfig(service: 'users' | 'orders' | 'tasks', dir: string) {
  releaseEngineTimers();
  // The schema's `url = env("DATABASE_URL")` must resolve even for `generate`, or the CLI tries
  // to download a query engine that these machines cannot reach.
  process.env.DATABASE_URL = databaseUrlFromEnv();
  return defineConfig({
    experimental: { adapter: true },
    engine: 'js',
    schema: path.join(dir, 'schema.prisma'),
    migrations: { path: path.join(dir, 'migrations') },
    adapter: async () =>
      createMigrateAdapter({ databaseUrl: databaseUrlFromEnv(), schema: service }),
  });
}
