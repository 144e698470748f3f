import { runMain } from '@supergraph/lifecycle';
import { databaseUrlsFromEnv } from '../database-url.ts';
import { distinctDatabases, dropDatabase, migrateDatabases } from '../migrate.ts';
import { seedDatabase } from '../seed.ts';

/** Drops and recreates every service's database, then migrates and seeds them. */
runMain(async () => {
  const urls = databaseUrlsFromEnv();
  const databases = distinctDatabases(urls);
  for (const url of databases) await dropDatabase(url);
  await migrateDatabases(urls);
  const summary = await seedDatabase(urls);
  const names = databases.map((url) => decodeURIComponent(new URL(url).pathname.slice(1)));
  console.log(`database ${names.join(', ')} reset: ${JSON.stringify(summary)}`);
});
