/**
 * `npm run build && npm start` must give processes that start: every service's bundle is
 * built, then run in production with no configuration, which it must get as far as refusing
 * with its one configuration line. An import the bundle cannot resolve, or a package loaded
 * in another version than the code was written against, fails before that line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '..');
const SERVICES = [
  'subgraphs/users',
  'subgraphs/orders',
  'subgraphs/tasks',
  'router',
  'gateways/apollo-router',
  'jobs/worker',
  'jobs/dashboard',
];

describe('production bundles', () => {
  for (const service of SERVICES) {
    it(`${service} builds and starts as far as its configuration check`, () => {
      const cwd = path.join(ROOT, service);
      const built = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'scripts/bundle-service.ts')],
        { cwd, encoding: 'utf8' },
      );
      assert.equal(built.status, 0, built.stderr);
      const run = spawnSync(process.execPath, ['dist/index.js'], {
        cwd,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, NODE_ENV: 'production' },
        timeout: 30_000,
      });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /^configuration error: [A-Z_]+: .+\n$/, run.stderr);
    });
  }
});
