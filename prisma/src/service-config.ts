import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { loadDatabaseUrls, type Service } from '@supergraph/config';
import { createMigrateAdapter, releaseEngineTimers } from './migrate-adapter.ts';

/**
 * The Prisma CLI config of one service: its schema and migrations live in `dir`, and it
 * migrates through the pg driver adapter into its own Postgres schema, in its own database
 * (`<SERVICE>_DATABASE_URL`, else DATABASE_URL).
 */
export function serviceConfig(service: Service, dir: string) {
  releaseEngineTimers();
  const databaseUrl = loadDatabaseUrls([service])[service];
  // The schema's `url = env("DATABASE_URL")` must resolve even for `generate`, or the CLI tries
  // to download a query engine that these machines cannot reach; it names this service's
  // database, so that nothing the CLI does reaches another service's.
  process.env.DATABASE_URL = databaseUrl;
  return defineConfig({
    experimental: { adapter: true },
    engine: 'js',
    schema: path.join(dir, 'schema.prisma'),
    migrations: { path: path.join(dir, 'migrations') },
    adapter: async () => createMigrateAdapter({ databaseUrl, schema: service }),
  });
}
