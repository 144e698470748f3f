import path from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  dataDir,
  env,
  loadConfig,
  loadDatabaseUrls,
  queuePrefixFor,
  redisMemoryAlarm,
  redisTarget,
  resolveSecret,
} from '@supergraph/config';

export const DEFAULT_MAIL_FROM = 'Supergraph Shop <no-reply@localhost>';

/** The job worker's configuration, read once from the environment. */
export function loadWorkerConfig(source: Record<string, string | undefined> = process.env) {
  const raw = loadConfig(
    {
      NODE_ENV: env.nodeEnv(),
      LOG_LEVEL: env.logLevel(),
      DB_POOL_SIZE: env.positiveInt(10),
      WORKER_PORT: env.port(4011),
      SHUTDOWN_GRACE_MS: env.positiveInt(25_000),
      ...env.redis(),
      QUEUE_PREFIX: env.queuePrefix(),
      SMTP_URL: env.optionalUrl(['smtp', 'smtps']),
      MAIL_FROM: z
        .string()
        .regex(/@/, 'an address such as "Shop <no-reply@shop.example>"')
        .default(DEFAULT_MAIL_FROM),
      USERS_URL: env.url(['http', 'https'], 'http://localhost:4001/graphql'),
      SUBGRAPH_SECRET: z.string().optional(),
      EMAIL_ATTEMPTS: env.positiveInt(8),
      EMAIL_BACKOFF_MS: env.positiveInt(5000),
      EMAIL_CONCURRENCY: env.positiveInt(32),
      EMAIL_LEASE_MS: env.positiveInt(60_000),
      SMTP_MAX_CONNECTIONS: env.positiveInt(8),
      SMTP_TIMEOUT_MS: env.positiveInt(15_000),
      JOB_LOCK_MS: env.positiveInt(30_000),
      JOB_STALLED_INTERVAL_MS: env.positiveInt(30_000),
      OUTBOX_POLL_MS: env.positiveInt(1000),
      DATA_DIR: z.string().optional(),
    },
    source,
  );
  const production = raw.NODE_ENV === 'production';
  // Each service's jobs run against that service's own database; the worker has no use for
  // the users database (it asks the users subgraph).
  const databaseUrls = loadDatabaseUrls(['orders', 'tasks'], source);
  if (production && !raw.SMTP_URL) {
    throw new ConfigError('SMTP_URL: required in production, e.g. smtp://user:pass@host:587');
  }
  // A claim must outlast any one send, or a slow but live send could be taken over.
  if (raw.EMAIL_LEASE_MS <= raw.SMTP_TIMEOUT_MS) {
    throw new ConfigError(
      `EMAIL_LEASE_MS: must be longer than SMTP_TIMEOUT_MS (${raw.SMTP_TIMEOUT_MS} ms)`,
    );
  }
  const dir = dataDir(raw.DATA_DIR);
  const redis = redisTarget(raw);
  return {
    production,
    logLevel: raw.LOG_LEVEL,
    databaseUrls,
    poolSize: raw.DB_POOL_SIZE,
    /** Where /health, /ready and /metrics are served. */
    port: raw.WORKER_PORT,
    /**
     * How long jobs in flight may run on after SIGTERM before they are abandoned to
     * stalled-job recovery. The default outlasts a send's whole SMTP timeout (15 s) and, with
     * the few seconds closing takes, stays under the 30 s a supervisor (compose's
     * stop_grace_period, Kubernetes' default) waits before it kills.
     */
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
    redis,
    redisMemoryAlarm: redisMemoryAlarm(raw),
    queuePrefix: queuePrefixFor(redis, raw.QUEUE_PREFIX),
    smtpUrl: raw.SMTP_URL,
    mailFrom: raw.MAIL_FROM,
    mailDir: path.join(dir, 'mail'),
    usersUrl: raw.USERS_URL,
    subgraphSecret: resolveSecret({
      name: 'SUBGRAPH_SECRET',
      value: raw.SUBGRAPH_SECRET,
      production,
      dataDir: dir,
    }),
    policy: {
      email: { attempts: raw.EMAIL_ATTEMPTS, backoffMs: raw.EMAIL_BACKOFF_MS },
      events: { attempts: 12, backoffMs: 1000 },
    },
    emailConcurrency: raw.EMAIL_CONCURRENCY,
    leaseMs: raw.EMAIL_LEASE_MS,
    smtpMaxConnections: raw.SMTP_MAX_CONNECTIONS,
    smtpTimeoutMs: raw.SMTP_TIMEOUT_MS,
    lockDurationMs: raw.JOB_LOCK_MS,
    stalledIntervalMs: raw.JOB_STALLED_INTERVAL_MS,
    outboxPollMs: raw.OUTBOX_POLL_MS,
  };
}

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
