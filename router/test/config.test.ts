import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '@supergraph/config';
import { loadRouterConfig } from '../src/config.ts';

const base = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'router-config-')) };

function refusal(env: Record<string, string>): string {
  try {
    loadRouterConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('router configuration', () => {
  it('reads the limits, the rate limit and the persisted query mode, with defaults', () => {
    const config = loadRouterConfig({ ...base, MAX_DEPTH: '7', RATE_LIMIT_REQUESTS: '0' });
    assert.equal(config.limits.maxDepth, 7);
    assert.equal(config.limits.maxCost, 10_000);
    assert.equal(config.rateLimit, null);
    assert.deepEqual(config.persistedQueries, {
      mode: 'apq',
      ttlSeconds: 3600,
      registrations: { points: 100, windowSeconds: 60 },
    });
    assert.deepEqual(
      loadRouterConfig({ ...base, APQ_REGISTRATIONS_PER_CLIENT: '0' }).persistedQueries,
      { mode: 'apq', ttlSeconds: 3600, registrations: null },
    );
    assert.equal(config.opsAllowCidrs, undefined);
    assert.deepEqual(
      loadRouterConfig({ ...base, OPS_ALLOW_CIDRS: '10.0.0.0/8, fd00::/8' }).opsAllowCidrs,
      ['10.0.0.0/8', 'fd00::/8'],
    );
    assert.deepEqual(loadRouterConfig(base).rateLimit, { points: 600, windowSeconds: 60 });
    assert.equal(loadRouterConfig(base).redis, 'redis://localhost:6379');
    assert.deepEqual(loadRouterConfig({ ...base, REDIS_CLUSTER_NODES: 'redis-0:7000' }).redis, {
      cluster: [{ host: 'redis-0', port: 7000 }],
    });
  });

  it('stops on a bad value with one line naming the variable', () => {
    assert.equal(refusal({ MAX_DEPTH: '0' }), 'MAX_DEPTH: expected a positive number');
    assert.equal(refusal({ MAX_COST: 'lots' }), 'MAX_COST: expected a whole number');
    assert.equal(refusal({ TRUST_PROXY_HOPS: '-1' }), 'TRUST_PROXY_HOPS: expected 0 or more');
    assert.equal(refusal({ REDIS_URL: 'http://x' }).split(':')[0], 'REDIS_URL');
    assert.equal(
      refusal({ OPS_ALLOW_CIDRS: '10.0.0.0/8,10.0.0.0/40' }),
      'OPS_ALLOW_CIDRS: "10.0.0.0/40" is not a network such as 10.0.0.0/8 or fc00::/7',
    );
    assert.equal(
      refusal({ REDIS_CLUSTER_NODES: 'redis-0:7000;redis-1:7000' }),
      'REDIS_CLUSTER_NODES: "redis-0:7000;redis-1:7000" is not host:port or redis://host:port',
    );
    assert.equal(
      refusal({ PERSISTED_QUERIES: 'sometimes' }),
      'PERSISTED_QUERIES: expected one of apq, safelist, off',
    );
    assert.equal(
      refusal({ PERSISTED_QUERIES: 'safelist' }),
      'SAFELIST_PATH: required when PERSISTED_QUERIES=safelist',
    );
    assert.match(
      refusal({ PERSISTED_QUERIES: 'safelist', SAFELIST_PATH: '/nonexistent/manifest.json' }),
      /^SAFELIST_PATH: cannot read \/nonexistent\/manifest.json/,
    );
    assert.equal(
      refusal({ NODE_ENV: 'production', SUBGRAPH_SECRET: 'x'.repeat(40) }),
      'JWT_SECRET: required when NODE_ENV=production',
    );
  });
});

describe('router configuration: subgraph resilience', () => {
  it('takes a timeout per subgraph, falling back to SUBGRAPH_TIMEOUT_MS', () => {
    const config = loadRouterConfig({
      ...base,
      SUBGRAPH_TIMEOUT_MS: '3000',
      ORDERS_TIMEOUT_MS: '800',
    });
    assert.equal(config.subgraphResilience('orders').timeoutMs, 800);
    assert.equal(config.subgraphResilience('users').timeoutMs, 3000);
    assert.equal(config.subgraphResilience('tasks').failuresToOpen, 5);
    assert.equal(
      refusal({ TASKS_TIMEOUT_MS: '-5' }),
      'TASKS_TIMEOUT_MS: expected a positive number',
    );
  });
});
