/**
 * docker-compose.yml carries no secret of its own and publishes nothing beyond the loopback
 * unless told to: its values are readable by anyone, and a laptop's compose stack on a shared
 * network should not serve the graph or the job dashboard to it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const repo = path.resolve(import.meta.dirname, '..');
const text = readFileSync(path.join(repo, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as {
  services: Record<string, { ports?: string[]; environment?: Record<string, string> }>;
};

describe('docker-compose.yml', () => {
  it('takes every secret from .env, with no default to fall back on', () => {
    for (const name of ['JWT_SECRET', 'SUBGRAPH_SECRET', 'DASHBOARD_PASSWORD']) {
      const uses = [...text.matchAll(new RegExp(`\\$\\{${name}[^}]*\\}`, 'g'))].map((m) => m[0]);
      assert.ok(uses.length > 0, `${name} is used`);
      for (const use of uses) assert.equal(use, `\${${name}:?set ${name} in .env}`);
    }
    for (const [service, { environment = {} }] of Object.entries(compose.services)) {
      for (const name of ['JWT_SECRET', 'SUBGRAPH_SECRET', 'DASHBOARD_PASSWORD']) {
        const value = environment[name];
        if (value !== undefined) assert.match(value, /^\$\{\w+:\?/, `${service}.${name}`);
      }
    }
  });

  it('binds every published port to 127.0.0.1 unless a *_BIND variable says otherwise', () => {
    const published = Object.entries(compose.services).flatMap(([service, { ports = [] }]) =>
      ports.map((port) => [service, port] as const),
    );
    assert.ok(published.length >= 5);
    for (const [service, port] of published) {
      assert.match(
        port,
        /^(127\.0\.0\.1|\$\{[A-Z_]+_BIND:-127\.0\.0\.1\}):/,
        `${service}: ${port}`,
      );
    }
    for (const service of ['router', 'dashboard', 'web', 'apollo-router']) {
      assert.match(compose.services[service]?.ports?.[0] ?? '', /_BIND:-127\.0\.0\.1\}/, service);
    }
  });
});
