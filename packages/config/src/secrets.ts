/**
 * Secrets in development are generated once and kept under the data directory, so that tokens
 * survive restarts and every local process agrees on them. Production never generates one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config.ts';

/** The repository's `.data` folder, found from the working directory, unless DATA_DIR says otherwise. */
export function dataDir(explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  let dir = process.cwd();
  for (;;) {
    if (existsSync(path.join(dir, 'turbo.json'))) return path.join(dir, '.data');
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(process.cwd(), '.data');
    dir = parent;
  }
}

const MIN_SECRET_LENGTH = 32;

/**
 * Values this repository publishes, now or in its history (docker-compose.yml, deploy/k8s,
 * .env.example, the README's dev accounts): anyone who reads the repository knows them, so a
 * production process that was handed one is as open as one with no secret at all.
 */
const PUBLISHED_VALUES = new Set([
  'compose-only-jwt-secret-not-for-production-0123',
  'compose-only-subgraph-secret-not-for-production',
  'compose-only-dashboard-password',
  'dev-only-jwt-secret-not-for-production-0000',
  'dev-only-subgraph-secret-not-for-production-0',
  'dev-only-dashboard',
  'dev-only-postgres',
  'CHANGE-ME-at-least-32-characters-0000000',
  'CHANGE-ME-at-least-32-characters-1111111',
  'CHANGE-ME-dashboard',
  'supergraph-admin',
  'supergraph-staff',
  'supergraph-customer',
  'postgres',
]);

/**
 * Words that mark a value someone typed to fill a slot rather than generated: a real key from
 * `openssl rand -base64 32` contains none of them except by a vanishing chance.
 */
const PLACEHOLDER =
  /change-?me|change-?it|replace-?me|secret|example|password|passw0rd|placeholder|dev-only|compose-only|not-for-production/i;

/** Bits an attacker must guess, at least as this rough estimate has it. */
export const MIN_SECRET_BITS = 128;

/**
 * A simple upper bound on a value's entropy: its length times log2 of its distinct characters.
 * It overrates human-made values (which is why placeholders and repetition are refused too) but
 * never underrates a random one, so a generated key always passes.
 */
export function estimateSecretBits(value: string): number {
  const distinct = new Set(value).size;
  return distinct <= 1 ? 0 : value.length * Math.log2(distinct);
}

/** A value that is one short piece over and over (`abcabcabc…`), or has a long run of one character. */
function isRepetitive(value: string): boolean {
  if (/(.)\1{7}/su.test(value)) return true;
  for (let period = 1; period <= value.length / 2; period += 1) {
    let repeats = true;
    for (let i = period; i < value.length && repeats; i += 1) {
      repeats = value[i] === value[i - period];
    }
    if (repeats) return true;
  }
  return false;
}

/**
 * Refuses, in production, a secret that can be guessed: one this repository publishes, a
 * placeholder, a repeated pattern, or one with fewer than {@link MIN_SECRET_BITS} bits by
 * {@link estimateSecretBits}. The message names the variable but never echoes the value.
 */
export function assertUnguessable(name: string, value: string): void {
  const fix = 'generate one with `openssl rand -base64 32`';
  if (PUBLISHED_VALUES.has(value)) {
    throw new ConfigError(`${name}: is a value published in this repository; ${fix}`);
  }
  if (PLACEHOLDER.test(value)) {
    throw new ConfigError(`${name}: looks like a placeholder; ${fix}`);
  }
  if (isRepetitive(value)) {
    throw new ConfigError(`${name}: is a repeated pattern; ${fix}`);
  }
  if (estimateSecretBits(value) < MIN_SECRET_BITS) {
    throw new ConfigError(
      `${name}: too easy to guess (under ${MIN_SECRET_BITS} bits: make it longer and more varied); ${fix}`,
    );
  }
}

export type SecretOptions = {
  name: string;
  value: string | undefined;
  production: boolean;
  dataDir: string;
};

export function resolveSecret({ name, value, production, dataDir: dir }: SecretOptions): string {
  if (value) {
    if (value.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`${name}: must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    // Dev and tests keep their fixed, readable values; only production must be unguessable.
    if (production) assertUnguessable(name, value);
    return value;
  }
  if (production) throw new ConfigError(`${name}: required when NODE_ENV=production`);
  const file = path.join(dir, 'secrets.json');
  const stored = readSecrets(file);
  const existing = stored[name];
  if (existing) return existing;
  const generated = randomBytes(32).toString('base64url');
  mkdirSync(dir, { recursive: true });
  // Several processes start at once in dev: write to a temp file, then rename atomically, and
  // re-read so that every process ends up with whichever secret won.
  const merged = { ...readSecrets(file), [name]: generated };
  const tmp = `${file}.${process.pid}.tmp`;
  if (!readSecrets(file)[name]) {
    writeFileSync(tmp, JSON.stringify(merged, null, 2), { mode: 0o600 });
    renameSync(tmp, file);
  }
  return readSecrets(file)[name] ?? generated;
}

function readSecrets(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * The token key and the subgraph proof key, shared by whatever verifies tokens and signs for
 * the subgraphs (our router, Apollo Router's coprocessor): required in production, made once
 * in dev.
 */
export function gatewaySecrets(
  raw: { JWT_SECRET?: string | undefined; SUBGRAPH_SECRET?: string | undefined },
  production: boolean,
  dataDir: string,
) {
  return {
    jwtSecret: resolveSecret({ name: 'JWT_SECRET', value: raw.JWT_SECRET, production, dataDir }),
    subgraphSecret: resolveSecret({
      name: 'SUBGRAPH_SECRET',
      value: raw.SUBGRAPH_SECRET,
      production,
      dataDir,
    }),
  };
}
