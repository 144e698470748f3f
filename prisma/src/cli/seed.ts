import { databaseUrlFromEnv } from '../database-url.ts';
import { seedDatabase } from '../seed.ts';

const summary = await seedDatabase(databaseUrlFromEnv());
console.log(`seeded: ${JSON.stringify(summary)}`);
