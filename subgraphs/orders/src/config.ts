import { env, loadConfig, queuePrefixFor, redisTarget } from '@supergraph/config';

/**
 * What only the orders subgraph reads, besides every subgraph's variables
 * (loadSubgraphConfig): the Redis its order events go to, and QUEUE_PREFIX, which names their
 * channel as it names the queues, so that the routers of the same deployment hear them.
 */
export function loadOrdersConfig(source: Record<string, string | undefined> = process.env) {
  const raw = loadConfig({ ...env.redis(), QUEUE_PREFIX: env.queuePrefix() }, source);
  const redis = redisTarget(raw);
  return { redis, queuePrefix: queuePrefixFor(redis, raw.QUEUE_PREFIX) };
}

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;
