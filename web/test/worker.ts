/**
 * The real job worker in this process, for browser tests that follow an order past PENDING:
 * its outbox relays and queue workers on the shop system's database and Redis, under the
 * system's QUEUE_PREFIX (so the order events it publishes reach the system's router), sending
 * mail to an SMTP server (an `SmtpSink`) and looking customers up in the system's users
 * subgraph. Retry timings are short, as in the worker's own tests.
 */
import os from 'node:os';
import path from 'node:path';
import { createMailer, createUserDirectory } from '@supergraph/mail';
import { createLogger } from '@supergraph/observability';
import { createOrdersClient } from '@supergraph/prisma/orders';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { QueueSet, closeConnection, producerConnection } from '@supergraph/queues';
import { SUBGRAPH_SECRET, type System } from '@supergraph/router/testing';
import { createWorker, type Worker } from '@supergraph/worker/worker';

export type ShopWorker = { worker: Worker; stop(): Promise<void> };

export const MAIL_FROM = 'Supergraph Shop <shop@supergraph.test>';

export async function startWorker(system: System, smtpUrl: string): Promise<ShopWorker> {
  const orders = createOrdersClient({ databaseUrl: system.databaseUrl, poolSize: 2 });
  const tasks = createTasksClient({ databaseUrl: system.databaseUrl, poolSize: 2 });
  const smtpTimeoutMs = 5000;
  const mailer = createMailer({
    smtpUrl,
    from: MAIL_FROM,
    // Only without an SMTP URL.
    mailDir: path.join(os.tmpdir(), 'supergraph-web-mail'),
    maxConnections: 2,
    timeoutMs: smtpTimeoutMs,
  });
  const worker = createWorker({
    databaseUrls: { orders: system.databaseUrl, tasks: system.databaseUrl },
    orders,
    tasks,
    redis: system.redis,
    queuePrefix: system.queuePrefix,
    mailer,
    users: createUserDirectory({
      usersUrl: system.subgraphUrls.users,
      subgraphSecret: SUBGRAPH_SECRET,
    }),
    mailFrom: MAIL_FROM,
    policy: {
      email: { attempts: 8, backoffMs: 100 },
      events: { attempts: 12, backoffMs: 100 },
    },
    // A claim must outlast a send's SMTP timeout.
    leaseMs: 2 * smtpTimeoutMs,
    emailConcurrency: 4,
    lockDurationMs: 2 * smtpTimeoutMs,
    stalledIntervalMs: 1000,
    outboxPollMs: 200,
    logger: createLogger('worker', 'silent'),
  });
  // For clearing the queues after the worker has stopped.
  const connection = producerConnection(system.redis);
  connection.on('error', () => {});
  const queues = new QueueSet(connection, system.queuePrefix);
  const stop = async () => {
    await worker.stop(5000).catch(() => false);
    mailer.close();
    // Nothing of this system's queues stays behind in Redis.
    await Promise.all(
      queues.all().map((queue) => queue.obliterate({ force: true }).catch(() => {})),
    );
    await queues.close();
    await closeConnection(connection);
    await Promise.all([orders.$disconnect(), tasks.$disconnect()]);
  };
  try {
    await worker.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { worker, stop };
}
