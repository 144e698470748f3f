import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@supergraph/common';
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
    ] as const) {
      assert.throws(
        () => loadWorkerConfig({ [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.startsWith(`${name}: `),
        `${name}=${value}`,
      );
    }
  });
});
