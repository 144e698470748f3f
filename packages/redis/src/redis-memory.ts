/**
 * How full Redis is. Redis is set to `noeviction` (queues must not lose jobs), so when
 * `used_memory` reaches `maxmemory` every write fails: enqueues, rate-limit counters, APQ
 * registrations. The alarm takes the process out of readiness, and the gauge shows the trend,
 * before that point rather than at it.
 */
import { Gauge, type Registry } from 'prom-client';
import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client.ts';

/** `used_memory` over `maxmemory`, or null when Redis has no `maxmemory` (0: no limit). */
function ratioOf(info: string): number | null {
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  const max = field('maxmemory');
  return max > 0 ? field('used_memory') / max : null;
}

/**
 * The fullest server's ratio of used to allowed memory: on a Redis Cluster, the fullest
 * master, since a full node refuses the writes for its slots. Null when no server has a limit.
 */
export async function redisMemoryRatio(redis: RedisClient): Promise<number | null> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const ratios = await Promise.all(
    servers.map(async (server) => ratioOf(await server.info('memory'))),
  );
  const known = ratios.filter((ratio): ratio is number => ratio !== null);
  return known.length ? Math.max(...known) : null;
}

/**
 * `{ redis: reason }` when Redis uses more than `threshold` (a fraction, e.g. 0.9) of its
 * `maxmemory`, else `{}`. No alarm without a `maxmemory`, nor when `threshold` is null.
 */
export async function redisMemoryAlarm(
  redis: RedisClient,
  threshold: number | null,
): Promise<Record<string, string>> {
  if (threshold === null) return {};
  const ratio = await redisMemoryRatio(redis);
  if (ratio === null || ratio <= threshold) return {};
  return {
    redis: `used_memory is ${(ratio * 100).toFixed(1)}% of maxmemory, above the alarm at ${(threshold * 100).toFixed(1)}%`,
  };
}

/**
 * `redis_memory_used_ratio`, read from Redis at scrape time: 0 when Redis has no `maxmemory`
 * (nothing to run out of), and the last value read while Redis cannot answer.
 */
export function registerRedisMemoryGauge(registry: Registry, redis: RedisClient): void {
  new Gauge({
    name: 'redis_memory_used_ratio',
    help: 'Redis used_memory over maxmemory (the fullest master on a cluster).',
    registers: [registry],
    async collect() {
      const ratio = await redisMemoryRatio(redis).catch(() => undefined);
      if (ratio !== undefined) this.set(ratio ?? 0);
    },
  });
}
