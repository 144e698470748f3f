import { DEFAULT_DATABASE_URL, env, loadConfig } from '@supergraph/common';

/** The database every service shares, each in its own Postgres schema. */
export function databaseUrlFromEnv(
  source: Record<string, string | undefined> = process.env,
): string {
  return loadConfig(
    { DATABASE_URL: env.url(['postgresql', 'postgres'], DEFAULT_DATABASE_URL) },
    source,
  ).DATABASE_URL;
}
