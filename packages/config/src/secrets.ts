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
