import type { RedisTarget } from '@supergraph/config';
import { databaseReady } from '@supergraph/http';
import { createMetrics, type Logger } from '@supergraph/observability';
import {
  closeRedisClient,
  createRedisClient,
  redisReady,
  registerRedisMemoryGauge,
} from '@supergraph/redis';
import {
  createMailer,
  createUserDirectory,
  type Mailer,
  type UserDirectory,
} from '@supergraph/mail';
import {
  createOrderEventPublisher,
  createOrdersOutbox,
  createOrdersProcessors,
} from '@supergraph/orders/jobs';
import type { PrismaClient as OrdersClient } from '@supergraph/prisma/orders';
import type { PrismaClient as TasksClient } from '@supergraph/prisma/tasks';
import {
  OutboxRelay,
  QUEUES,
  QueueSet,
  WorkerHost,
  closeConnection,
  createJobMetrics,
  producerConnection,
  registerQueueDepth,
  type JobPolicy,
} from '@supergraph/queues';
import { createTasksProcessors, createTasksOutbox } from '@supergraph/tasks/jobs';
import type { WorkerConfig } from './config.ts';

export type WorkerDeps = {
  /** Where each outbox relay LISTENs: the database its service's client is connected to. */
  databaseUrls: { orders: string; tasks: string };
  orders: OrdersClient;
  tasks: TasksClient;
  /** Where the queues are: one Redis server or a cluster. */
  redis: RedisTarget;
  queuePrefix: string;
  mailer: Mailer;
  users: UserDirectory;
  mailFrom: string;
  policy: JobPolicy;
  leaseMs: number;
  emailConcurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  outboxPollMs: number;
  /** /ready fails above this fraction of Redis's maxmemory; null: never (0.9 when absent). */
  redisMemoryAlarm?: number | null;
  logger: Logger;
};

/** Dispatched outbox rows are kept a week, for tracing what was sent when. */
const OUTBOX_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Both clients report their failure as `database`; the key says which one failed. */
function named(client: string, failures: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(failures).map(([key, why]) => [`${key}.${client}`, why]),
  );
}

/**
 * The job worker: the outbox relays of orders and tasks, and one BullMQ worker per queue, each
 * job kind handled by the service that owns its data, against that service's schema only.
 */
export function createWorker(deps: WorkerDeps) {
  const { logger } = deps;
  const producer = producerConnection(deps.redis);
  // Until the first connection succeeds, ioredis reports every failed attempt; the relay
  // logs the outage once, so these are noise.
  producer.on('error', (error) => logger.debug({ err: error }, 'producer connection error'));
  const queues = new QueueSet(producer, deps.queuePrefix, deps.policy);
  // Its own fail-fast client with a command timeout, so that /ready answers promptly even
  // from a Redis that accepts connections but does not reply, and so that announcing a change
  // to an order never holds up the job that made it.
  const commands = createRedisClient(deps.redis, { logger });
  const orderEvents = createOrderEventPublisher({
    redis: commands,
    prefix: deps.queuePrefix,
    logger,
  });
  const metrics = createMetrics('worker');
  registerQueueDepth(metrics.registry, { queues, logger });
  registerRedisMemoryGauge(metrics.registry, commands);
  const outboxes = {
    orders: createOrdersOutbox(deps.orders, deps.databaseUrls.orders),
    tasks: createTasksOutbox(deps.tasks, deps.databaseUrls.tasks),
  };
  const relays = Object.entries(outboxes).map(
    ([name, store]) => new OutboxRelay({ name, store, queues, logger, pollMs: deps.outboxPollMs }),
  );
  // Messages written while Redis was away go out as soon as it is back.
  producer.on('ready', () => relays.forEach((relay) => relay.wake()));

  const shared = {
    mailer: deps.mailer,
    users: deps.users,
    mailFrom: deps.mailFrom,
    leaseMs: deps.leaseMs,
    logger,
  };
  const host = new WorkerHost({
    redis: deps.redis,
    prefix: deps.queuePrefix,
    logger,
    processors: {
      ...createOrdersProcessors({ ...shared, db: deps.orders, orderEvents }),
      ...createTasksProcessors({ ...shared, db: deps.tasks }),
    },
    concurrency: {
      [QUEUES.orderConfirmation]: deps.emailConcurrency,
      [QUEUES.taskReminders]: Math.max(1, Math.ceil(deps.emailConcurrency / 4)),
      [QUEUES.orderFulfilment]: 8,
      [QUEUES.taskFulfilment]: 8,
    },
    lockDurationMs: deps.lockDurationMs,
    stalledIntervalMs: deps.stalledIntervalMs,
    metrics: createJobMetrics(metrics.registry),
  });

  let purge: NodeJS.Timeout | null = null;
  const purgeOld = () => {
    const before = new Date(Date.now() - OUTBOX_RETENTION_MS);
    for (const outbox of Object.values(outboxes)) {
      outbox
        .purgeDispatched(before)
        .catch((error: unknown) => logger.warn({ err: error }, 'outbox purge failed'));
    }
  };

  return {
    queues,
    relays,
    host,
    /** Process, HTTP and job metrics, for the ops server's /metrics. */
    metrics,
    /** Failing dependencies by name (both databases, Redis); empty when all answer. */
    async ready(): Promise<Record<string, string>> {
      const [orders, tasks, redis] = await Promise.all([
        databaseReady(deps.orders),
        databaseReady(deps.tasks),
        redisReady(commands, { memoryAlarm: deps.redisMemoryAlarm }),
      ]);
      return { ...named('orders', orders), ...named('tasks', tasks), ...redis };
    },
    async start() {
      host.start();
      await Promise.all(relays.map((relay) => relay.start()));
      purgeOld();
      purge = setInterval(purgeOld, 3600 * 1000);
      purge.unref();
    },
    /**
     * Stops dispatching, lets jobs in flight finish within `graceMs`, then closes the Redis
     * connections. Resolves false when jobs were still running at the deadline and were
     * abandoned (see WorkerHost.close).
     */
    async stop(graceMs = Infinity): Promise<boolean> {
      if (purge) clearInterval(purge);
      await Promise.all(relays.map((relay) => relay.stop()));
      const drained = await host.close(graceMs);
      await queues.close();
      await Promise.all([closeConnection(producer), closeRedisClient(commands)]);
      return drained;
    },
  };
}

export type Worker = ReturnType<typeof createWorker>;

/**
 * The worker as configured by env: its mailer and users directory built from the config,
 * the clients and logger given. Stopping it also closes the mailer.
 */
export function createWorkerFromConfig(
  config: WorkerConfig,
  deps: { orders: OrdersClient; tasks: TasksClient; logger: Logger },
): Worker {
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    mailDir: config.mailDir,
    maxConnections: config.smtpMaxConnections,
    timeoutMs: config.smtpTimeoutMs,
  });
  const worker = createWorker({
    ...config,
    ...deps,
    mailer,
    users: createUserDirectory({
      usersUrl: config.usersUrl,
      subgraphSecret: config.subgraphSecret,
    }),
  });
  return {
    ...worker,
    async stop(graceMs?: number) {
      const drained = await worker.stop(graceMs);
      mailer.close();
      return drained;
    },
  };
}
