import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashPassword, needsRehash, verifyPassword } from './password-hash.ts';

/** A hash as releases before Argon2id wrote it: scrypt at N=2^14. */
function legacyScryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

describe('password hashes', () => {
  it('are Argon2id at no less than OWASP’s cost (19 MiB, 2 passes)', async () => {
    const stored = await hashPassword('correct horse battery');
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
    assert.ok(match, stored);
    assert.ok(Number(match[1]) >= 19456 && Number(match[2]) >= 2, stored);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterz', stored), false);
    assert.equal(needsRehash(stored), false);
  });

  it('still verify scrypt hashes of earlier releases, which need rehashing', async () => {
    const legacy = legacyScryptHash('correct horse battery');
    assert.equal(await verifyPassword('correct horse battery', legacy), true);
    assert.equal(await verifyPassword('wrong', legacy), false);
    assert.equal(needsRehash(legacy), true);
  });

  it('verify nothing against a malformed or unreasonably costly hash', async () => {
    assert.equal(await verifyPassword('x', '$argon2id$v=19$m=19456,t=2,p=1$bad'), false);
    assert.equal(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA$a2V5'), false);
    assert.equal(await verifyPassword('x', ''), false);
  });
});
