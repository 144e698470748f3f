import type { ReadyCheck } from '@supergraph/common';

/**
 * Readiness of the dashboard's Redis: empty when PING answers. The timeout keeps /ready
 * prompt when Redis accepts the connection but does not answer, which is the case a load
 * balancer most needs to hear about.
 */
export function redisReady(client: { ping(): Promise<unknown> }, timeoutMs = 1000): ReadyCheck {
  return async (): Promise<Record<string, string>> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([client.ping(), timeout]);
      return {};
    } catch (error) {
      return { redis: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  };
}
