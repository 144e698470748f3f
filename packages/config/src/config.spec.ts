import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, env, loadConfig, queuePrefixFor, redisTarget } from './config.ts';
import { redisTargetEnv } from './redis-target.ts';
import { DEFAULT_DATABASE_URL, SERVICES, loadDatabaseUrls } from './database-urls.ts';
import { loadSubgraphConfig } from './subgraph-config.ts';

// Given, so that loading never generates a dev secret into .data/.
const SECRETS = { SUBGRAPH_SECRET: 'config-spec-subgraph-secret-config-spec-0123' };

describe('configuration', () => {
  it('applies defaults, treating empty strings as unset', () => {
    const config = loadConfig(
      { PORT: env.port(4000), LOG_LEVEL: env.logLevel() },
      { PORT: '', LOG_LEVEL: undefined },
    );
    assert.deepEqual(config, { PORT: 4000, LOG_LEVEL: 'info' });
  });

  it('names the variable and the problem in one line', () => {
    assert.throws(() => loadConfig({ ROUTER_PORT: env.port(4000) }, { ROUTER_PORT: 'eighty' }), {
      name: 'ConfigError',
      message: 'ROUTER_PORT: expected a port number',
    });
    assert.throws(
      () =>
        loadConfig(
          { DATABASE_URL: env.url(['postgresql'], 'postgresql://x/y') },
          { DATABASE_URL: 'mysql://db/x' },
        ),
      /^ConfigError: DATABASE_URL: expected a postgresql:\/\/ URL$/,
    );
  });

  it('takes a queue prefix plain or as a Redis Cluster hash tag, never with a colon', () => {
    const prefix = (value: string) =>
      loadConfig({ QUEUE_PREFIX: env.queuePrefix() }, { QUEUE_PREFIX: value });
    assert.equal(prefix('').QUEUE_PREFIX, 'bull');
    assert.equal(prefix('shop-1').QUEUE_PREFIX, 'shop-1');
    assert.equal(prefix('{bull}').QUEUE_PREFIX, '{bull}');
    for (const bad of ['bull:x', '{bull', 'bull}', '{b}x', '{}']) {
      assert.throws(() => prefix(bad), /^ConfigError: QUEUE_PREFIX: /, bad);
    }
  });

  describe('where Redis is', () => {
    const load = (source: Record<string, string | undefined>) =>
      redisTarget(loadConfig(env.redis(), source));
    const refused = (nodes: string, message: RegExp | string) =>
      assert.throws(
        () => load({ REDIS_CLUSTER_NODES: nodes }),
        (error: unknown) =>
          error instanceof ConfigError &&
          (typeof message === 'string' ? error.message === message : message.test(error.message)),
        nodes,
      );

    it('is the one server at REDIS_URL unless cluster nodes are given', () => {
      assert.equal(load({}), 'redis://localhost:6379');
      assert.equal(load({ REDIS_CLUSTER_NODES: '' }), 'redis://localhost:6379');
      assert.equal(
        load({ REDIS_URL: 'rediss://cache.internal:6380' }),
        'rediss://cache.internal:6380',
      );
    });

    it('is a cluster of the seed nodes in REDIS_CLUSTER_NODES, which win over REDIS_URL', () => {
      assert.deepEqual(
        load({
          REDIS_URL: 'redis://ignored:6379',
          REDIS_CLUSTER_NODES: ' redis-0.redis:7000, redis://10.0.0.2:7001 ,[::1]:7002,redis-3',
        }),
        {
          cluster: [
            { host: 'redis-0.redis', port: 7000 },
            { host: '10.0.0.2', port: 7001 },
            { host: '::1', port: 7002 },
            { host: 'redis-3', port: 6379 },
          ],
        },
      );
      assert.deepEqual(
        load({ REDIS_CLUSTER_NODES: 'rediss://app:s%3Acret@a:7000,rediss://app:s%3Acret@b:7000' }),
        {
          cluster: [
            { host: 'a', port: 7000 },
            { host: 'b', port: 7000 },
          ],
          username: 'app',
          password: 's:cret',
          tls: true,
        },
      );
    });

    it('names REDIS_CLUSTER_NODES, in one line, when a node is malformed', () => {
      for (const bad of [
        ',',
        'redis-0:seventy',
        'redis-0:70000',
        'http://redis-0:7000',
        'redis://redis-0:7000/1',
        'redis-0:7000 redis-1:7000',
        'redis://:pw@a:7000,b:7000',
        'rediss://a:7000,redis://b:7000',
      ]) {
        refused(bad, /^REDIS_CLUSTER_NODES: [^\n]+$/);
      }
      refused(
        'redis-0:7000,redis-1:port',
        'REDIS_CLUSTER_NODES: "redis-1:port" is not host:port or redis://host:port',
      );
      // A password in a malformed entry stays out of the message, which is logged.
      refused(
        'redis://app:hunter2@redis-0:7000/0',
        'REDIS_CLUSTER_NODES: "redis://…@redis-0:7000/0" is not host:port or redis://host:port',
      );
    });

    it('is named again by the variables a child process is given', () => {
      for (const source of [
        { REDIS_URL: 'redis://127.0.0.1:6380' },
        { REDIS_CLUSTER_NODES: '127.0.0.1:7000,[::1]:7001' },
        { REDIS_CLUSTER_NODES: 'rediss://app:p%40ss@a:7000,rediss://app:p%40ss@b:7001' },
      ]) {
        const target = load(source);
        assert.deepEqual(load(redisTargetEnv(target)), target, JSON.stringify(source));
      }
    });

    it('holds queues on a cluster to a hash-tag prefix, refused by name otherwise', () => {
      const cluster = load({ REDIS_CLUSTER_NODES: 'redis-0:7000' });
      assert.equal(queuePrefixFor(cluster, '{bull}'), '{bull}');
      assert.equal(queuePrefixFor(cluster, '{shop-1}'), '{shop-1}');
      assert.equal(queuePrefixFor(load({}), 'bull'), 'bull');
      assert.equal(queuePrefixFor(load({}), '{bull}'), '{bull}');
      assert.throws(() => queuePrefixFor(cluster, 'bull'), {
        name: 'ConfigError',
        message:
          "QUEUE_PREFIX: must be a hash tag such as {bull} when REDIS_CLUSTER_NODES is set, so that each queue's keys share one cluster slot",
      });
    });
  });

  it('refuses to start in production without secrets', () => {
    assert.throws(
      () =>
        loadSubgraphConfig('users', 4001, {
          NODE_ENV: 'production',
          DATA_DIR: '/nonexistent',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'SUBGRAPH_SECRET: required when NODE_ENV=production',
    );
  });

  describe("each service's database", () => {
    const ORDERS = 'postgresql://orders@orders-db.internal:5432/orders';
    const TASKS = 'postgres://tasks@tasks-db.internal:6543/tasks?sslmode=require';
    const SHARED = 'postgresql://app@db.internal:5432/shop';

    it('is the local default when nothing is set, and DATABASE_URL for every service when only it is', () => {
      assert.deepEqual(loadDatabaseUrls(SERVICES, {}), {
        users: DEFAULT_DATABASE_URL,
        orders: DEFAULT_DATABASE_URL,
        tasks: DEFAULT_DATABASE_URL,
      });
      assert.deepEqual(
        loadDatabaseUrls(SERVICES, { DATABASE_URL: SHARED, ORDERS_DATABASE_URL: '' }),
        {
          users: SHARED,
          orders: SHARED,
          tasks: SHARED,
        },
      );
    });

    it("is the service's own variable where it is set, DATABASE_URL for the others", () => {
      assert.deepEqual(
        loadDatabaseUrls(SERVICES, {
          DATABASE_URL: SHARED,
          ORDERS_DATABASE_URL: ORDERS,
          TASKS_DATABASE_URL: TASKS,
        }),
        { users: SHARED, orders: ORDERS, tasks: TASKS },
      );
      assert.deepEqual(loadDatabaseUrls(['tasks'], { TASKS_DATABASE_URL: TASKS }), {
        tasks: TASKS,
      });
    });

    it('names the variable that is malformed', () => {
      for (const [name, value] of [
        ['ORDERS_DATABASE_URL', 'mysql://db/orders'],
        ['USERS_DATABASE_URL', 'not a url'],
        ['TASKS_DATABASE_URL', 'localhost:5432/tasks'],
        ['DATABASE_URL', 'redis://localhost:6379'],
      ] as const) {
        assert.throws(
          () => loadDatabaseUrls(SERVICES, { ORDERS_DATABASE_URL: ORDERS, [name]: value }),
          (error: unknown) =>
            error instanceof ConfigError &&
            error.message === `${name}: expected a postgresql:// or postgres:// URL`,
          `${name}=${value}`,
        );
      }
    });

    it("gives a subgraph its own database and port, and reads no other service's variables", () => {
      const source = {
        ...SECRETS,
        DATABASE_URL: SHARED,
        USERS_DATABASE_URL: 'mysql://ignored-by-orders',
        ORDERS_DATABASE_URL: ORDERS,
        ORDERS_PORT: '5002',
        USERS_PORT: 'ignored',
      };
      const orders = loadSubgraphConfig('orders', 4002, source);
      assert.equal(orders.databaseUrl, ORDERS);
      assert.equal(orders.port, 5002);
      const tasks = loadSubgraphConfig('tasks', 4003, source);
      assert.equal(tasks.databaseUrl, SHARED);
      assert.equal(tasks.port, 4003);
      assert.throws(() => loadSubgraphConfig('users', 4001, source), /^ConfigError: USERS_PORT: /);
      assert.throws(
        () => loadSubgraphConfig('users', 4001, { ...source, USERS_PORT: '5001' }),
        /^ConfigError: USERS_DATABASE_URL: expected a postgresql:\/\/ or postgres:\/\/ URL$/,
      );
    });
  });
});
