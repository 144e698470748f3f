import type { Logger } from '@supergraph/observability';
import { publishOrderEvent, type OrderEvent, type RedisClient } from '@supergraph/redis';

export type { OrderEvent };

/**
 * Tells the routers that a change to an order has committed. It never rejects: the change is
 * already in Postgres, so a lost event costs live subscribers an update, never the caller its
 * answer or a job a retry.
 */
export type OrderEventPublisher = { publish(event: OrderEvent): Promise<void> };

export type OrderEventPublisherOptions = {
  /** A fail-fast client (createRedisClient), so that a Redis outage never holds up a change. */
  redis: RedisClient;
  /** The deployment's QUEUE_PREFIX, which names the channel the routers listen on. */
  prefix: string;
  logger: Logger;
};

export function createOrderEventPublisher(
  options: OrderEventPublisherOptions,
): OrderEventPublisher {
  const { redis, prefix, logger } = options;
  return {
    async publish(event) {
      try {
        await publishOrderEvent(redis, prefix, event);
      } catch (error) {
        logger.warn(
          { err: error, ...event },
          'order event not published; live subscribers miss this change until the next one',
        );
      }
    },
  };
}
