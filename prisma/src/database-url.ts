import { SERVICES, loadDatabaseUrls, type DatabaseUrls } from '@supergraph/config';

/**
 * Each service's database, for the migrate, seed and reset commands and the Prisma CLI: its
 * own `<SERVICE>_DATABASE_URL`, else DATABASE_URL, else the local default.
 */
export function databaseUrlsFromEnv(
  source: Record<string, string | undefined> = process.env,
): DatabaseUrls {
  return loadDatabaseUrls(SERVICES, source);
}
