import { runMain } from '@supergraph/lifecycle';
import { databaseUrlsFromEnv } from '../database-url.ts';
import { seedDatabase } from '../seed.ts';

runMain(async () => {
  const summary = await seedDatabase(databaseUrlsFromEnv());
  console.log(`seeded: ${JSON.stringify(summary)}`);
});
