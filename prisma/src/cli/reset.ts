import pg from 'pg';
import { databaseUrlFromEnv } from '../database-url.ts';
import { migrateDatabase } from '../migrate.ts';
import { seedDatabase } from '../seed.ts';

/** Drops and recreates the whole database, then migrates and seeds it. */
const databaseUrl = databaseUrlFromEnv();
const url = new URL(databaseUrl);
const name = decodeURIComponent(url.pathname.slice(1));
url.pathname = '/postgres';
const admin = new pg.Client({ connectionString: url.toString() });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
await admin.end();
await migrateDatabase(databaseUrl);
const summary = await seedDatabase(databaseUrl);
console.log(`database ${name} reset: ${JSON.stringify(summary)}`);
