import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, env, loadConfig } from './config.ts';
import { loadSubgraphConfig } from './subgraph-config.ts';

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

  it('refuses to start in production without secrets', () => {
    assert.throws(
      () =>
        loadSubgraphConfig('USERS_PORT', 4001, {
          NODE_ENV: 'production',
          DATA_DIR: '/nonexistent',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message === 'SUBGRAPH_SECRET: required when NODE_ENV=production',
    );
  });
});
