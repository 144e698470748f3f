/**
 * A Redis connection for request-path work (rate limits): a command fails at once while Redis
 * is unreachable instead of waiting in an offline queue, so a request is never held up by a
 * Redis outage; the caller falls back or refuses by itself.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.ts';

export type { Redis };

/** Reconnects quickly at first, then at most every 2 s, forever: a Redis restart needs no process restart. */
export const redisRetryStrategy = (times: number) => Math.min(100 * times, 2000);

export function createRedisClient(
  url: string,
  options: { logger?: Logger } & RedisOptions = {},
): Redis {
  const { logger, ...redisOptions } = options;
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // A Redis that accepts the connection but does not answer must not hang a request.
    commandTimeout: 1000,
    retryStrategy: redisRetryStrategy,
    ...redisOptions,
  });
  // Without a listener ioredis prints every failed reconnection to the console; one line per
  // outage is enough.
  let up = true;
  redis.on('error', (error: Error) => {
    if (!up) return;
    up = false;
    logger?.warn({ err: error }, 'redis unreachable; retrying');
  });
  redis.on('ready', () => {
    if (up) return;
    up = true;
    logger?.info('redis reachable again');
  });
  return redis;
}

/** Readiness of a Redis connection: empty when it answers PING. */
export async function redisReady(redis: Redis): Promise<Record<string, string>> {
  try {
    const answer = await redis.ping();
    return answer === 'PONG' ? {} : { redis: `PING answered ${answer}` };
  } catch (error) {
    return { redis: error instanceof Error ? error.message : String(error) };
  }
}

/** Closes a connection now, whether or not it is connected. */
export async function closeRedisClient(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
