import { databaseUrlFromEnv } from '../database-url.ts';
import { migrateDatabase } from '../migrate.ts';

const url = databaseUrlFromEnv();
await migrateDatabase(url);
console.log('migrations applied (users, orders, tasks)');
