/** The database every service shares, each in its own Postgres schema. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres:postgres@localhost:5432/supergraph';

export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  try {
    const url = new URL(value);
    if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') throw new Error();
  } catch {
    throw new Error('DATABASE_URL: expected a postgresql:// URL');
  }
  return value;
}
