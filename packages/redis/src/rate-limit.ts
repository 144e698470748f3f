/**
 * Fixed-window counters kept in Redis, so that every replica of a process shares them. When
 * Redis cannot answer, each process falls back to its own in-memory counters rather than
 * refusing every request or letting everything through.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from './redis-client.ts';

/** How many points a key may spend per window. */
export type RateLimit = { points: number; windowSeconds: number };

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type RateLimiter = {
  /** Spends `cost` points of `key`'s window. */
  consume(key: string, cost?: number): Promise<RateLimitDecision>;
  /** Whether `key` has already spent its window, without spending anything. */
  check(key: string): Promise<RateLimitDecision>;
  /** Gives `key` a fresh window. */
  reset(key: string): Promise<void>;
};

const ALLOWED: RateLimitDecision = { allowed: true };

function refusal(msBeforeNext: number): RateLimitDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
}

export function createRateLimiter(options: {
  redis: RedisClient;
  /** Keeps this limiter's keys apart from every other's. */
  name: string;
  limit: RateLimit;
}): RateLimiter {
  const { points, windowSeconds } = options.limit;
  // Every call touches one key alone (a one-key Lua script, or a MULTI on that key), so the
  // counters need no hash tag to work on a Redis Cluster.
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `ratelimit:${options.name}`,
    points,
    duration: windowSeconds,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
  });
  return {
    async consume(key, cost = 1) {
      try {
        await limiter.consume(key, cost);
        return ALLOWED;
      } catch (error) {
        if (error instanceof RateLimiterRes) return refusal(error.msBeforeNext);
        throw error;
      }
    },
    async check(key) {
      const res = await limiter.get(key).catch(() => null);
      return res && res.consumedPoints >= points ? refusal(res.msBeforeNext) : ALLOWED;
    },
    async reset(key) {
      await limiter.delete(key).catch(() => false);
    },
  };
}
