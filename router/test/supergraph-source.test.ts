import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '@supergraph/observability';
import { watchedSupergraph } from '../src/supergraph-source.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('dev supergraph source', () => {
  it('recomposes when a schema file changes and keeps the last good supergraph on failure', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sg-watch-')), 'schema.graphql');
    writeFileSync(file, 'v1');
    const compose = () => {
      const text = readFileSync(file, 'utf8');
      if (text.includes('broken')) throw new Error('composition failed');
      return `supergraph ${text}`;
    };
    const updates: string[] = [];
    const hook = watchedSupergraph(createLogger('test', 'silent'), {
      files: [file],
      compose,
      debounceMs: 50,
    });
    const started = await hook({
      update: (sdl: string) => updates.push(sdl),
      healthCheck: async () => {},
      getDataSource: () => undefined as never,
    } as never);
    assert.equal(started.supergraphSdl, 'supergraph v1');

    writeFileSync(file, 'v2');
    await settle();
    assert.deepEqual(updates, ['supergraph v2']);

    writeFileSync(file, 'broken');
    await settle();
    assert.deepEqual(updates, ['supergraph v2'], 'a failed composition is not served');

    await started.cleanup?.();
    writeFileSync(file, 'v3');
    await settle();
    assert.deepEqual(updates, ['supergraph v2'], 'no updates after cleanup');
  });
});
