import { env, loadConfig, redisTarget } from '@supergraph/config';
import type { LoginLimits } from './login-throttle.ts';

/**
 * What only the users subgraph reads, besides every subgraph's variables
 * (loadSubgraphConfig): the Redis that holds log-in counters, and the log-in limits.
 */
export function loadUsersConfig(source: Record<string, string | undefined> = process.env) {
  const raw = loadConfig(
    {
      ...env.redis(),
      LOGIN_MAX_FAILURES_PER_EMAIL: env.positiveInt(5),
      LOGIN_MAX_ATTEMPTS_PER_IP: env.positiveInt(30),
      LOGIN_WINDOW_SECONDS: env.positiveInt(900),
    },
    source,
  );
  const loginLimits: LoginLimits = {
    maxFailuresPerEmail: raw.LOGIN_MAX_FAILURES_PER_EMAIL,
    maxAttemptsPerIp: raw.LOGIN_MAX_ATTEMPTS_PER_IP,
    windowSeconds: raw.LOGIN_WINDOW_SECONDS,
  };
  return { redis: redisTarget(raw), loginLimits };
}

export type UsersConfig = ReturnType<typeof loadUsersConfig>;
