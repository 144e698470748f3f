import { z } from 'zod';
import {
  assertUnguessable,
  ConfigError,
  dataDir,
  env,
  loadConfig,
  queuePrefixFor,
  redisTarget,
  resolveSecret,
} from '@supergraph/config';
import type { BasicCredentials } from './auth.ts';

/** Shorter passwords fall to an online guessing run against a dashboard that can purge queues. */
export const MIN_PASSWORD_LENGTH = 12;

/** The job dashboard's configuration, read once from the environment. */
export function loadDashboardConfig(source: Record<string, string | undefined> = process.env) {
  const raw = loadConfig(
    {
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      ...env.redis(),
      DASHBOARD_PORT: env.port(4010),
      // The worker validates its prefix the same way; both must name the same Redis keys.
      QUEUE_PREFIX: env.queuePrefix(),
      DASHBOARD_USER: env.optionalString(),
      DASHBOARD_PASSWORD: env.optionalString(),
      JWT_SECRET: z.string().optional(),
      DATA_DIR: z.string().optional(),
    },
    source,
  );
  const production = raw.NODE_ENV === 'production';
  const redis = redisTarget(raw);
  return {
    production,
    logLevel: raw.LOG_LEVEL,
    port: raw.DASHBOARD_PORT,
    redis,
    queuePrefix: queuePrefixFor(redis, raw.QUEUE_PREFIX),
    basic: basicCredentials(raw.DASHBOARD_USER, raw.DASHBOARD_PASSWORD, production),
    // ADMIN tokens from the users service open the dashboard too, so it verifies them with the
    // same secret (in dev, the one generated into .data/ that every process shares).
    jwtSecret: resolveSecret({
      name: 'JWT_SECRET',
      value: raw.JWT_SECRET,
      production,
      dataDir: dataDir(raw.DATA_DIR),
    }),
  };
}

export type DashboardConfig = ReturnType<typeof loadDashboardConfig>;

function basicCredentials(
  user: string | undefined,
  password: string | undefined,
  production: boolean,
): BasicCredentials | null {
  // Half a pair is a typo or a lost secret; starting anyway would silently lock everyone out
  // (or, worse, suggest the dashboard is protected when it is not).
  if (user && !password) {
    throw new ConfigError('DASHBOARD_PASSWORD: required when DASHBOARD_USER is set');
  }
  if (password && !user) {
    throw new ConfigError('DASHBOARD_USER: required when DASHBOARD_PASSWORD is set');
  }
  if (!user || !password) return null;
  // RFC 7617: the user-id ends at the first colon, so a colon in it could never match.
  if (user.includes(':')) throw new ConfigError('DASHBOARD_USER: must not contain ":"');
  if (production && password.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError(
      `DASHBOARD_PASSWORD: must be at least ${MIN_PASSWORD_LENGTH} characters in production`,
    );
  }
  // The dashboard can purge queues and is reachable over the network: its password is held to
  // the same bar as the signing keys, not only to a length.
  if (production) assertUnguessable('DASHBOARD_PASSWORD', password);
  return { user, password };
}
