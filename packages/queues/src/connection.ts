import type { RedisOptions } from 'ioredis';
import type { RedisTarget } from '@supergraph/config';
import {
  connectRedis,
  redisRetryStrategy as retryStrategy,
  type RedisClient,
} from '@supergraph/redis';

/**
 * For producers: a command fails at once while Redis is unreachable instead of waiting in
 * an offline queue, so that the caller (the outbox relay) keeps its rows and tries again
 * later, rather than hanging with messages in memory.
 */
export function producerConnection(redis: RedisTarget, options: RedisOptions = {}): RedisClient {
  return connectRedis(redis, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy,
    ...options,
  });
}

/**
 * For workers: BullMQ requires `maxRetriesPerRequest: null` on the connections it blocks on,
 * and commands wait across a reconnect, so that a worker carries on by itself after Redis
 * comes back.
 */
export function workerConnection(redis: RedisTarget, options: RedisOptions = {}): RedisClient {
  return connectRedis(redis, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy,
    ...options,
  });
}

/** Closes a connection now, whether or not it is connected. */
export { closeRedisClient as closeConnection } from '@supergraph/redis';
