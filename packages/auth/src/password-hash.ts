/**
 * Password hashing, in self-describing formats: Argon2id (PHC string) for every new hash, and
 * the scrypt format of earlier releases (`scrypt$N$r$p$salt$key`), still verified so that
 * existing accounts can log in, and rehashed by the caller when `needsRehash` says so.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type * as Argon2 from '@node-rs/argon2';

/**
 * OWASP's Argon2id floor (19 MiB, 2 passes, 1 lane). Raising any of these makes every stored
 * hash `needsRehash`, so accounts move to the new cost at their next log-in.
 */
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;
const ARGON2_PREFIX = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`;

// Loaded on first use, not at import: this package is also loaded by gateways that only check
// tokens and proofs, and should not pull a native module in for them.
let argon2: Promise<typeof Argon2> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

// Argon2 takes an enum member for the algorithm; 2 is Argon2id (a const enum cannot be read
// through a dynamic import under isolatedModules).
const ARGON2ID = 2;

function deriveScrypt(
  password: string,
  salt: Buffer,
  N: number,
  r: number,
  p: number,
  keylen: number,
): Promise<Buffer> {
  // 128·N·r bytes are needed; the default 32 MiB ceiling would refuse N above 2^14.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const { hash } = await loadArgon2();
  return hash(password.normalize('NFKC'), { ...ARGON2, algorithm: ARGON2ID });
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const normalized = password.normalize('NFKC');
  if (stored.startsWith('$argon2id$')) {
    const { verify } = await loadArgon2();
    try {
      return await verify(stored, normalized);
    } catch {
      return false; // a malformed stored hash verifies nothing
    }
  }
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const N = Number(n);
  // Only hashes this code wrote are accepted: a huge N would cost a log-in its memory.
  if (!Number.isInteger(N) || N < 2 || N > 2 ** 17 || Number(r) !== 8 || Number(p) !== 1)
    return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await deriveScrypt(
    normalized,
    Buffer.from(salt, 'base64url'),
    N,
    8,
    1,
    expected.length,
  );
  return timingSafeEqual(expected, actual);
}

/** Whether a hash that has just verified should be replaced by one at today's parameters. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(ARGON2_PREFIX);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password, verified against when an email is unknown, so that a failed
 * log-in takes as long whether or not the account exists. Made on first use, not at import,
 * so that processes which never log anyone in do not pay for a hash at start-up.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('base64url'));
  return dummy;
}
