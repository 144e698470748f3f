/**
 * Configuration is read once, at start-up, from the environment. A bad value stops the
 * process with one line that names the variable; nothing deeper in the code reads
 * process.env.
 */
import { z } from 'zod';

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
};

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
