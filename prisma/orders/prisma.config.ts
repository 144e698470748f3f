import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { createMigrateAdapter, releaseEngineTimers } from '../src/migrate-adapter.ts';
import { databaseUrlFromEnv } from '../src/database-url.ts';

releaseEngineTimers();
// The schema's `url = env("DATABASE_URL")` must resolve even for `generate`, or the CLI tries to
// download a query engine that these machines cannot reach.
process.env.DATABASE_URL = databaseUrlFromEnv();

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  adapter: async () =>
    createMigrateAdapter({ databaseUrl: databaseUrlFromEnv(), schema: 'orders' }),
});
