import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { createMigrateAdapter, releaseEngineTimers } from '../src/migrate-adapter.ts';
import { databaseUrlFromEnv } from '../src/database-url.ts';

releaseEngineTimers();

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  adapter: async () =>
    createMigrateAdapter({ databaseUrl: databaseUrlFromEnv(), schema: 'orders' }),
});
