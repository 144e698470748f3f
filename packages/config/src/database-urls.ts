import { env, loadConfig } from './config.ts';

/** The services that each own a Postgres schema, in the order they are migrated and seeded. */
export const SERVICES = ['users', 'orders', 'tasks'] as const;
export type Service = (typeof SERVICES)[number];
/** Each service's database; several may name the same one. */
export type DatabaseUrls = Record<Service, string>;

export const DEFAULT_DATABASE_URL = 'postgresql://postgres:postgres@localhost:5432/supergraph';

const POSTGRES = ['postgresql', 'postgres'] as const;

/** The variable that gives one service a database of its own: `ORDERS_DATABASE_URL`. */
export function databaseUrlVariable(service: Service): string {
  return `${service.toUpperCase()}_DATABASE_URL`;
}

/**
 * The database of each of `services`: its own `<SERVICE>_DATABASE_URL`, else the shared
 * DATABASE_URL, else the local default. Services may then sit on different Postgres servers,
 * or all share one database, each in its own schema.
 */
export function loadDatabaseUrls<S extends Service>(
  services: readonly S[],
  source: Record<string, string | undefined> = process.env,
): Record<S, string> {
  const shared = loadConfig(
    { DATABASE_URL: env.url(POSTGRES, DEFAULT_DATABASE_URL) },
    source,
  ).DATABASE_URL;
  const own = loadConfig(
    Object.fromEntries(
      services.map((service) => [databaseUrlVariable(service), env.url(POSTGRES, shared)]),
    ),
    source,
  );
  return Object.fromEntries(
    services.map((service) => [service, own[databaseUrlVariable(service)]]),
  ) as Record<S, string>;
}
