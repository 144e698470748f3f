/**
 * Redis connections. `connectRedis` is the one place a client is made, for one server or a
 * Redis Cluster alike; `createRedisClient` is the connection for request-path work (rate
 * limits, persisted queries, readiness): a command fails at once while Redis is unreachable
 * instead of waiting in an offline queue, so a request is never held up by a Redis outage; the
 * caller falls back or refuses by itself.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '@supergraph/observability';
import { isClusterTarget, type RedisTarget } from '@supergraph/config';
import { redisMemoryAlarm } from './redis-memory.ts';

/** The fraction of `maxmemory` above which Redis is reported not ready, unless told otherwise. */
export const DEFAULT_MEMORY_ALARM = 0.9;

export type { Redis };

/** A connection to one Redis server or to a Redis Cluster; both take the same commands. */
export type RedisClient = Redis | Cluster;

/** Reconnects quickly at first, then at most every 2 s, forever: a Redis restart needs no process restart. */
export const redisRetryStrategy = (times: number) => Math.min(100 * times, 2000);

/**
 * A client for `target` with `options`. On a cluster the options apply to the connection of
 * every node, except the offline queue and the reconnection schedule, which belong to the
 * cluster as a whole: the cluster client queues or refuses commands itself, and reconnects to
 * the cluster rather than to one node.
 */
export function connectRedis(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  if (!isClusterTarget(target)) return new Redis(target, options);
  const { enableOfflineQueue, retryStrategy, lazyConnect, ...nodeOptions } = options;
  return new Cluster(target.cluster, {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    redisOptions: {
      ...nodeOptions,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
  });
}

export function createRedisClient(
  target: RedisTarget,
  options: { logger?: Logger } & RedisOptions = {},
): RedisClient {
  const { logger, ...redisOptions } = options;
  const redis = connectRedis(target, {
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

/**
 * Readiness of a Redis connection: empty when it answers PING. A cluster is ready when it
 * says every slot is served (`cluster_state:ok`): a PING reaches one node, which answers
 * while the slots of a node that is down cannot be written. Either is not ready when it is
 * nearly out of memory (see `redisMemoryAlarm`), since it then refuses writes.
 */
export async function redisReady(
  redis: RedisClient,
  options: {
    /**
     * Not ready above this fraction of `maxmemory` (REDIS_MEMORY_ALARM); null: no alarm.
     * 0.9 by default, so that every process sees a Redis about to refuse writes.
     */
    memoryAlarm?: number | null | undefined;
  } = {},
): Promise<Record<string, string>> {
  try {
    if (redis instanceof Cluster) {
      const info = await redis.cluster('INFO');
      const state = /^cluster_state:(\w+)/m.exec(info)?.[1] ?? 'unknown';
      if (state !== 'ok') return { redis: `cluster_state:${state}` };
    } else {
      const answer = await redis.ping();
      if (answer !== 'PONG') return { redis: `PING answered ${answer}` };
    }
    return await redisMemoryAlarm(
      redis,
      options.memoryAlarm === undefined ? DEFAULT_MEMORY_ALARM : options.memoryAlarm,
    );
  } catch (error) {
    return { redis: error instanceof Error ? error.message : String(error) };
  }
}

/** Closes a connection now, whether or not it is connected. */
export async function closeRedisClient(redis: RedisClient): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/**
 * Another connection to the same Redis, for one that only subscribes: its commands wait for
 * the connection instead of failing, so a subscription made while Redis is away takes effect
 * when it is back.
 */
export function duplicateConnection(redis: RedisClient): RedisClient {
  return redis instanceof Cluster
    ? redis.duplicate(undefined, { enableOfflineQueue: true })
    : redis.duplicate({ enableOfflineQueue: true });
}
