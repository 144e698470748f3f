import type { Logger } from '@supergraph/observability';
import type { RedisClient } from '@supergraph/redis';

/** Options for {@link RedisApqCache}. */
export type RedisApqCacheOptions = {
  /** How long a registered query is kept after its last registration, in seconds. */
  ttlSeconds: number;
  /** Longer query texts are not kept: Redis holds queues too and must not fill up. */
  maxQueryBytes: number;
};

/**
 * Apollo Server prefixes every key with `apq:`.
 *
 * Automatic persisted queries shared by every router instance: a query registered through
 * one is found by hash through any other. Redis trouble never fails a request: a lookup that
 * fails is a miss, after which the client sends the full query again. Each command names one
 * key, so on a Redis Cluster the queries spread over the nodes with no hash tag.
 */
export class RedisApqCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly logger: Logger,
    private readonly options: RedisApqCacheOptions,
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(key)) ?? undefined;
    } catch (error) {
      this.logger.warn({ err: error }, 'persisted query lookup failed');
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    if (Buffer.byteLength(value) > this.options.maxQueryBytes) return;
    try {
      await this.redis.set(key, value, 'EX', this.options.ttlSeconds);
    } catch (error) {
      this.logger.warn({ err: error }, 'persisted query registration failed');
    }
  }

  async delete(key: string): Promise<boolean | void> {
    await this.redis.del(key).catch(() => 0);
  }
}
