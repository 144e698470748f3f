import { runMain } from '@supergraph/lifecycle';
import { databaseUrlsFromEnv } from '../database-url.ts';
import { migrateDatabases } from '../migrate.ts';

runMain(async () => {
  await migrateDatabases(databaseUrlsFromEnv());
  console.log('migrations applied (users, orders, tasks)');
});
