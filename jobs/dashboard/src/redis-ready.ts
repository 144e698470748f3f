import type { ReadyCheck } from '@supergraph/http';
import { redisReady as probe, type RedisClient } from '@supergraph/redis';

/**
 * Readiness of the dashboard's Redis: empty when it answers (PING, or a cluster's own state).
 * The timeout keeps /ready prompt when Redis accepts the connection but does not answer, which
 * is the case a load balancer most needs to hear about: the dashboard's connection has no
 * command timeout of its own.
 */
export function redisReady(client: RedisClient, timeoutMs = 1000): ReadyCheck {
  return async (): Promise<Record<string, string>> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Record<string, string>>((resolve) => {
      timer = setTimeout(() => resolve({ redis: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      return await Promise.race([probe(client), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
