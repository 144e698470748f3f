import { databaseUrlFromEnv } from '../database-url.ts';
import { dropDatabase, migrateDatabase } from '../migrate.ts';
import { seedDatabase } from '../seed.ts';

/** Drops and recreates the whole database, then migrates and seeds it. */
const databaseUrl = databaseUrlFromEnv();
await dropDatabase(databaseUrl);
await migrateDatabase(databaseUrl);
const summary = await seedDatabase(databaseUrl);
console.log(`database ${new URL(databaseUrl).pathname.slice(1)} reset: ${JSON.stringify(summary)}`);
