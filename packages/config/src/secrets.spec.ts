import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from './config.ts';
import { gatewaySecrets } from './secrets.ts';
import { loadSubgraphConfig } from './subgraph-config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'secrets-spec-'));
const strong = () => randomBytes(32).toString('base64url');

/** The one line a production start-up stops with, or 'accepted'. */
function refusal(jwtSecret: string): string {
  try {
    gatewaySecrets({ JWT_SECRET: jwtSecret, SUBGRAPH_SECRET: strong() }, true, dir);
    return 'accepted';
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('production secrets', () => {
  it('refuses the values this repository publishes', () => {
    for (const published of [
      'compose-only-jwt-secret-not-for-production-0123',
      'dev-only-jwt-secret-not-for-production-0000',
      'CHANGE-ME-at-least-32-characters-0000000',
    ]) {
      assert.match(refusal(published), /^JWT_SECRET: /, published);
    }
  });

  it('refuses placeholders, whatever their length', () => {
    for (const placeholder of [
      'please-changeme-before-going-live-Qw8Zr',
      'our-production-secret-9fK2mQ7xLp4vNc8s',
      'https://example.com/not-a-key/Zq81Lm0x',
      'PASSWORD-for-prod-31f9a7c2e8b4d6f0a1c3',
    ]) {
      assert.match(refusal(placeholder), /^JWT_SECRET: looks like a placeholder/, placeholder);
    }
  });

  it('refuses repeated and low-entropy values', () => {
    assert.match(refusal('x'.repeat(40)), /^JWT_SECRET: is a repeated pattern/);
    assert.match(refusal('abc123'.repeat(7)), /^JWT_SECRET: is a repeated pattern/);
    // 40 characters from an alphabet of two: about 40 bits.
    assert.match(
      refusal('1011000111101011001000011110110100100011'),
      /^JWT_SECRET: too easy to guess/,
    );
    // 32 characters from an alphabet of ten: about 106 bits.
    assert.match(refusal('31415926535897932384626433832795'), /^JWT_SECRET: too easy to guess/);
  });

  it('names SUBGRAPH_SECRET when it is the weak one, in every process that reads it', () => {
    assert.throws(
      () =>
        loadSubgraphConfig('orders', 4002, {
          NODE_ENV: 'production',
          DATA_DIR: dir,
          SUBGRAPH_SECRET: 'compose-only-subgraph-secret-not-for-production',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /^SUBGRAPH_SECRET: is a value published in this repository/.test(error.message),
    );
  });

  it('accepts generated keys, base64 or hex', () => {
    for (let i = 0; i < 200; i += 1) {
      assert.equal(refusal(strong()), 'accepted');
      assert.equal(refusal(randomBytes(32).toString('hex')), 'accepted');
    }
  });

  it('leaves development alone: readable fixed values, and generated ones when unset', () => {
    const secrets = gatewaySecrets(
      { JWT_SECRET: 'dev-only-jwt-secret-not-for-production-0000', SUBGRAPH_SECRET: undefined },
      false,
      dir,
    );
    assert.equal(secrets.jwtSecret, 'dev-only-jwt-secret-not-for-production-0000');
    assert.ok(secrets.subgraphSecret.length >= 32);
  });
});
