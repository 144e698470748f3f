/**
 * Configuration is read once, at start-up, from the environment. A bad value stops the
 * process with one line that names the variable; nothing deeper in the code reads
 * process.env.
 */
import { z } from 'zod';
import {
  isClusterTarget,
  isHashTag,
  parseClusterNodes,
  type RedisClusterTarget,
  type RedisTarget,
} from './redis-target.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function urlSchema(protocols: readonly string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `expected a ${protocols.map((p) => `${p}://`).join(' or ')} URL` },
  );
}

const clusterNodes = z.string().transform((value, ctx): RedisClusterTarget => {
  try {
    return parseClusterNodes(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Zod pieces for the variables every process shares. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ message: 'expected a port number' })
      .int('expected a port number')
      .min(0, 'expected a port from 0 to 65535')
      .max(65535, 'expected a port from 0 to 65535')
      .default(fallback),
  url: (protocols: readonly string[], fallback: string) => urlSchema(protocols).default(fallback),
  optionalUrl: (protocols: readonly string[]) => urlSchema(protocols).optional(),
  positiveInt: (fallback: number) =>
    z.coerce
      .number({ message: 'expected a whole number' })
      .int('expected a whole number')
      .positive('expected a positive number')
      .default(fallback),
  /** A whole number that may be 0, which usually means "off". */
  wholeNumber: (fallback: number) =>
    z.coerce
      .number({ message: 'expected a whole number' })
      .int('expected a whole number')
      .min(0, 'expected 0 or more')
      .default(fallback),
  nodeEnv: () =>
    z
      .enum(NODE_ENVS, { message: `expected one of ${NODE_ENVS.join(', ')}` })
      .default('development'),
  logLevel: () =>
    z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  optionalString: () => z.string().min(1).optional(),
  /**
   * The key prefix of every BullMQ queue. `:` would split BullMQ's own key names; braces may
   * wrap the whole prefix (`{bull}`), the hash tag that keeps a queue's keys in one slot of a
   * Redis Cluster.
   */
  queuePrefix: () =>
    z
      .string()
      .regex(/^(\{[\w-]+\}|[\w-]+)$/, 'letters, digits, _ and - only, optionally in braces: {bull}')
      .default('bull'),
  /**
   * Where Redis is, to spread into a shape: REDIS_URL, one server, or REDIS_CLUSTER_NODES, the
   * seed nodes of a Redis Cluster, which wins when set. `redisTarget` reads the result.
   */
  redis: () => ({
    REDIS_URL: urlSchema(['redis', 'rediss']).default('redis://localhost:6379'),
    REDIS_CLUSTER_NODES: clusterNodes.optional(),
    /**
     * The fraction of Redis's `maxmemory` above which /ready fails: with `noeviction`, a full
     * Redis refuses every write. 0 switches the alarm off; `redisMemoryAlarm` reads it.
     */
    REDIS_MEMORY_ALARM: z.coerce
      .number({ message: 'expected a fraction such as 0.9' })
      .min(0, 'expected a fraction from 0 to 1')
      .max(1, 'expected a fraction from 0 to 1')
      .default(0.9),
  }),
};

/** The alarm threshold that `env.redis()` describes; null when switched off. */
export function redisMemoryAlarm(raw: { REDIS_MEMORY_ALARM: number }): number | null {
  return raw.REDIS_MEMORY_ALARM === 0 ? null : raw.REDIS_MEMORY_ALARM;
}

/** The Redis that `env.redis()` describes. */
export function redisTarget(raw: {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: RedisClusterTarget | undefined;
}): RedisTarget {
  return raw.REDIS_CLUSTER_NODES ?? raw.REDIS_URL;
}

/**
 * The queue prefix, checked against where the queues live. BullMQ's scripts touch several
 * keys of a queue at once, and a cluster runs a script only when all its keys are in one
 * slot, so on a cluster the prefix must be a hash tag.
 *
 * A plain prefix is refused rather than wrapped in braces: it is the name of every queue key,
 * and whatever finds those keys by QUEUE_PREFIX (the worker, the dashboard, a clean-up script
 * scanning `bull:*`, an operator in redis-cli) must find them under the value it was given.
 * Wrapping it would put the queues under keys the setting does not name, and strand without a
 * word any jobs already waiting under the old ones; a refusal costs one explicit setting.
 */
export function queuePrefixFor(redis: RedisTarget, prefix: string): string {
  if (isClusterTarget(redis) && !isHashTag(prefix)) {
    throw new ConfigError(
      `QUEUE_PREFIX: must be a hash tag such as {${prefix}} when REDIS_CLUSTER_NODES is set, so that each queue's keys share one cluster slot`,
    );
  }
  return prefix;
}

/** Parses `source` with `shape`; empty strings count as unset, so defaults apply. */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  const cleaned = Object.fromEntries(
    Object.keys(shape).map((key) => [key, source[key] === '' ? undefined : source[key]]),
  );
  const result = z.object(shape).safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path.join('.') ?? 'config';
    throw new ConfigError(`${name}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
