import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, randomEmail, startUsers, type UsersSubgraph } from './harness.ts';

let users: UsersSubgraph;

before(async () => {
  users = await startUsers();
});
after(() => users.stop());

/** A hash as releases before Argon2id wrote it: scrypt at N=2^14. */
function legacyScryptHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const storedHash = async (email: string) =>
  (await users.db.user.findUniqueOrThrow({ where: { email } })).passwordHash;

describe('password hashes at log-in', () => {
  it('stores new passwords as Argon2id', async () => {
    const email = randomEmail('argon');
    await users.signUp(email);
    assert.match(await storedHash(email), /^\$argon2id\$/);
  });

  it('lets an account with an old scrypt hash log in, and rehashes it then', async () => {
    const email = randomEmail('legacy');
    await users.signUp(email);
    const legacy = legacyScryptHash(PASSWORD);
    await users.db.user.update({ where: { email }, data: { passwordHash: legacy } });

    // A wrong password changes nothing.
    const wrong = await users.logIn(email, 'not the password');
    assert.equal(wrong.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.equal(await storedHash(email), legacy);

    const ok = await users.logIn(email, PASSWORD);
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
    const rehashed = await storedHash(email);
    assert.match(rehashed, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    // And the new hash verifies the same password.
    const again = await users.logIn(email, PASSWORD);
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    assert.equal(await storedHash(email), rehashed);
  });
});
