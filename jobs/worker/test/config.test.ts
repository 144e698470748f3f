import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_DATABASE_URL } from '@supergraph/config';
import { loadWorkerConfig as load } from '../src/config.ts';

// Given, so that loading never generates a dev secret into .data/.
const loadWorkerConfig = (env: Record<string, string>) =>
  load({ SUBGRAPH_SECRET: 'config-test-subgraph-secret-config-test', ...env });

describe('worker configuration', () => {
  it('serves its ops endpoints on 4011 and drains for 25 s by default', () => {
    const config = loadWorkerConfig({});
    assert.equal(config.port, 4011);
    assert.equal(config.shutdownGraceMs, 25_000);
    const set = loadWorkerConfig({ WORKER_PORT: '0', SHUTDOWN_GRACE_MS: '1000' });
    assert.equal(set.port, 0);
    assert.equal(set.shutdownGraceMs, 1000);
  });

  it('names the variable that is malformed', () => {
    for (const [name, value] of [
      ['WORKER_PORT', 'eighty'],
      ['WORKER_PORT', '65536'],
      ['SHUTDOWN_GRACE_MS', '0'],
      ['SHUTDOWN_GRACE_MS', 'soon'],
      ['ORDERS_DATABASE_URL', 'mysql://db/orders'],
      ['TASKS_DATABASE_URL', 'localhost:5432/tasks'],
      ['DATABASE_URL', 'redis://localhost:6379'],
      ['REDIS_CLUSTER_NODES', 'redis-0:7000,redis-1:x'],
    ] as const) {
      assert.throws(
        () => loadWorkerConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${name}: `),
        `${name}=${value}`,
      );
    }
  });

  it('uses REDIS_URL by default, and a cluster only with a hash-tag QUEUE_PREFIX', () => {
    const single = loadWorkerConfig({});
    assert.equal(single.redis, 'redis://localhost:6379');
    assert.equal(single.queuePrefix, 'bull');
    const nodes = 'redis-0:7000,redis-1:7000,redis-2:7000';
    const cluster = loadWorkerConfig({ REDIS_CLUSTER_NODES: nodes, QUEUE_PREFIX: '{bull}' });
    assert.deepEqual(cluster.redis, {
      cluster: ['redis-0', 'redis-1', 'redis-2'].map((host) => ({ host, port: 7000 })),
    });
    assert.equal(cluster.queuePrefix, '{bull}');
    // Unset, QUEUE_PREFIX is `bull`: not a hash tag either.
    for (const [prefix, tagged] of [
      ['', '{bull}'],
      ['bull', '{bull}'],
      ['shop-1', '{shop-1}'],
    ]) {
      assert.throws(
        () => loadWorkerConfig({ REDIS_CLUSTER_NODES: nodes, QUEUE_PREFIX: prefix! }),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith(
            `QUEUE_PREFIX: must be a hash tag such as ${tagged} when REDIS_CLUSTER_NODES is set`,
          ),
        prefix,
      );
    }
  });

  it("opens each service's pool on its own database, DATABASE_URL where it has none", () => {
    const shared = 'postgresql://app@db.internal:5432/shop';
    assert.deepEqual(loadWorkerConfig({}).databaseUrls, {
      orders: DEFAULT_DATABASE_URL,
      tasks: DEFAULT_DATABASE_URL,
    });
    assert.deepEqual(loadWorkerConfig({ DATABASE_URL: shared }).databaseUrls, {
      orders: shared,
      tasks: shared,
    });
    const own = loadWorkerConfig({
      DATABASE_URL: shared,
      ORDERS_DATABASE_URL: 'postgresql://orders@orders-db.internal/orders',
      TASKS_DATABASE_URL: 'postgres://tasks@tasks-db.internal:6543/tasks',
      // The worker asks the users subgraph, never the users database.
      USERS_DATABASE_URL: 'not read by the worker',
    });
    assert.deepEqual(own.databaseUrls, {
      orders: 'postgresql://orders@orders-db.internal/orders',
      tasks: 'postgres://tasks@tasks-db.internal:6543/tasks',
    });
    const one = loadWorkerConfig({
      DATABASE_URL: shared,
      TASKS_DATABASE_URL: own.databaseUrls.tasks,
    });
    assert.deepEqual(one.databaseUrls, { orders: shared, tasks: own.databaseUrls.tasks });
  });
});
