import { Queue } from 'bullmq';
import type { RedisClient } from '@supergraph/redis';
import { QUEUE_NAMES, type QueueName } from './definitions.ts';
import { DEFAULT_POLICY, jobOptions, type JobPolicy } from './job-options.ts';

/** One producer per queue, sharing one fail-fast connection. */
export class QueueSet {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: RedisClient,
    private readonly prefix: string,
    private readonly policy: JobPolicy = DEFAULT_POLICY,
  ) {}

  get(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.connection,
        prefix: this.prefix,
        defaultJobOptions: jobOptions(name, this.policy),
      });
      // Errors surface on the calls that fail; the event must still be handled, or Node
      // treats it as fatal.
      queue.on('error', () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }

  all(): Queue[] {
    return QUEUE_NAMES.map((name) => this.get(name));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
