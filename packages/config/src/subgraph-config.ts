import { z } from 'zod';
import { env, loadConfig } from './config.ts';
import { loadDatabaseUrls, type Service } from './database-urls.ts';
import { dataDir, resolveSecret } from './secrets.ts';

/**
 * The variables every subgraph reads, plus its own: `<SERVICE>_PORT`, and its database,
 * `<SERVICE>_DATABASE_URL` (else DATABASE_URL).
 */
export function loadSubgraphConfig(
  service: Service,
  defaultPort: number,
  source: Record<string, string | undefined> = process.env,
) {
  const raw = loadConfig(
    {
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      DB_POOL_SIZE: env.positiveInt(10),
      SUBGRAPH_SECRET: z.string().optional(),
      JWT_SECRET: z.string().optional(),
      JWT_TTL_SECONDS: env.positiveInt(3600),
      DATA_DIR: z.string().optional(),
    },
    source,
  );
  const portVariable = `${service.toUpperCase()}_PORT`;
  const port = loadConfig({ [portVariable]: env.port(defaultPort) }, source)[
    portVariable
  ] as number;
  const databaseUrl = loadDatabaseUrls([service], source)[service];
  const production = raw.NODE_ENV === 'production';
  const dir = dataDir(raw.DATA_DIR);
  return {
    production,
    logLevel: raw.LOG_LEVEL,
    databaseUrl,
    poolSize: raw.DB_POOL_SIZE,
    port,
    dataDir: dir,
    subgraphSecret: resolveSecret({
      name: 'SUBGRAPH_SECRET',
      value: raw.SUBGRAPH_SECRET,
      production,
      dataDir: dir,
    }),
    /** Only the users subgraph signs tokens; the others never resolve this secret. */
    jwtSecret: () =>
      resolveSecret({ name: 'JWT_SECRET', value: raw.JWT_SECRET, production, dataDir: dir }),
    jwtTtlSeconds: raw.JWT_TTL_SECONDS,
  };
}

export type SubgraphConfig = ReturnType<typeof loadSubgraphConfig>;
