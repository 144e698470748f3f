import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PrivateRedis,
  asRouter,
  errorCodes,
  postGraphQL,
  type GraphQLResponse,
} from '@supergraph/testing';
import { clientKey } from '../src/login-throttle.ts';
import {
  PASSWORD,
  SECRET,
  SIGN_UP,
  randomEmail,
  randomIp,
  startUsers,
  type UsersSubgraph,
} from './harness.ts';

const LIMITS = { maxFailuresPerEmail: 3, maxAttemptsPerIp: 6, windowSeconds: 60 };

function assertRateLimited(res: GraphQLResponse<unknown>): number {
  assert.deepEqual(errorCodes(res), ['RATE_LIMITED'], JSON.stringify(res.errors));
  const retryAfter = res.errors![0]!.extensions!.retryAfterSeconds as number;
  assert.ok(retryAfter > 0 && retryAfter <= LIMITS.windowSeconds, `retryAfter ${retryAfter}`);
  return retryAfter;
}

function assertLoggedIn(res: GraphQLResponse<unknown>): void {
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
}

function assertRefused(res: GraphQLResponse<unknown>): void {
  assert.deepEqual(errorCodes(res), ['UNAUTHENTICATED'], JSON.stringify(res.errors));
}

describe('log-in throttling', () => {
  let users: UsersSubgraph;
  before(async () => {
    users = await startUsers({ loginLimits: LIMITS });
  });
  after(() => users.stop());

  it('refuses an email after its failures, even with the right password; others still log in', async () => {
    const email = randomEmail('victim');
    const other = randomEmail('bystander');
    await users.signUp(email);
    await users.signUp(other);
    const ip = randomIp();
    for (let i = 0; i < LIMITS.maxFailuresPerEmail; i += 1) {
      assertRefused(await users.logIn(email, 'wrong password', ip));
    }
    assertRateLimited(await users.logIn(email, PASSWORD, ip));
    // The email's count does not depend on where the guesses come from.
    assertRateLimited(await users.logIn(` ${email.toUpperCase()} `, PASSWORD, randomIp()));
    assertLoggedIn(await users.logIn(other, PASSWORD, ip));
  });

  it('refuses an unknown email in the very same way as an existing one', async () => {
    const known = randomEmail('known');
    await users.signUp(known);
    const unknown = randomEmail('unknown');
    const answers: Array<GraphQLResponse<unknown>> = [];
    for (const email of [known, unknown]) {
      for (let i = 0; i < LIMITS.maxFailuresPerEmail; i += 1) {
        assertRefused(await users.logIn(email, 'wrong password', randomIp()));
      }
      answers.push(await users.logIn(email, 'wrong password', randomIp()));
    }
    const [a, b] = answers.map((res) => {
      assertRateLimited(res);
      // Only the seconds left may differ, by the time between the two requests.
      const [error] = res.errors!;
      return {
        ...res,
        errors: [{ ...error, extensions: { ...error!.extensions, retryAfterSeconds: 0 } }],
      };
    });
    assert.deepEqual(a, b);
  });

  it('limits attempts per client IP across emails, and sign-ups count too', async () => {
    const email = randomEmail('ip');
    await users.signUp(email);
    const ip = randomIp();
    assertLoggedIn(
      await postGraphQL(users.url, SIGN_UP, {
        variables: { input: { name: 'Ip', email: randomEmail('ip'), password: PASSWORD } },
        headers: asRouter(SECRET, null, ip),
      }),
    );
    for (let i = 1; i < LIMITS.maxAttemptsPerIp; i += 1) {
      assertRefused(await users.logIn(randomEmail('spray'), 'wrong password', ip));
    }
    assertRateLimited(await users.logIn(email, PASSWORD, ip));
    assertRateLimited(
      await postGraphQL(users.url, SIGN_UP, {
        variables: { input: { name: 'Ip', email: randomEmail('ip'), password: PASSWORD } },
        headers: asRouter(SECRET, null, ip),
      }),
    );
    // Another address is not affected, nor is the email the limited address tried.
    assertLoggedIn(await users.logIn(email, PASSWORD, randomIp()));
  });

  it('counts requests that carry no client IP in one shared bucket', async () => {
    const email = randomEmail('anonymous');
    await users.signUp(email);
    for (let i = 0; i < LIMITS.maxAttemptsPerIp; i += 1) {
      assertRefused(await users.logIn(randomEmail('spray'), 'wrong password'));
    }
    assertRateLimited(await users.logIn(email, PASSWORD));
    assertLoggedIn(await users.logIn(email, PASSWORD, randomIp()));
  });

  it('forgets an email’s failures after a successful log-in', async () => {
    const email = randomEmail('forgetful');
    await users.signUp(email);
    const ip = randomIp();
    for (let round = 0; round < 2; round += 1) {
      for (let i = 1; i < LIMITS.maxFailuresPerEmail; i += 1) {
        assertRefused(await users.logIn(email, 'wrong password', ip));
      }
      // Without the reset, the second round's failures would add up to the limit.
      assertLoggedIn(await users.logIn(email, PASSWORD, ip));
    }
  });

  it('spends the same budget on the current password when it is changed', async () => {
    const email = randomEmail('stolen-token');
    const { token, user } = await users.signUp(email);
    const viewer = { id: user.id, role: 'CUSTOMER' as const };
    const change = (currentPassword: string) =>
      postGraphQL(users.url, UPDATE_PASSWORD, {
        variables: { input: { password: 'a brand new password', currentPassword } },
        headers: asRouter(SECRET, viewer, randomIp()),
      });
    assert.ok(token);
    for (let i = 0; i < LIMITS.maxFailuresPerEmail; i += 1) {
      assert.deepEqual(errorCodes(await change('a guess')), ['BAD_USER_INPUT']);
    }
    assertRateLimited(await change(PASSWORD));
    assertRateLimited(await users.logIn(email, PASSWORD, randomIp()));
  });
});

const UPDATE_PASSWORD = /* GraphQL */ `
  mutation ($input: UpdateMeInput!) {
    updateMe(input: $input) {
      id
    }
  }
`;

describe('log-in throttling without Redis', () => {
  let redis: PrivateRedis;
  let users: UsersSubgraph;
  before(async () => {
    redis = await PrivateRedis.start();
    users = await startUsers({ loginLimits: LIMITS, redis: redis.url });
  });
  after(async () => {
    await users.stop();
    await redis.stop();
  });

  it('reports Redis in readiness, and keeps limiting in memory while it is down', async () => {
    const ready = new URL('/ready', users.url);
    assert.equal((await fetch(ready)).status, 200);
    await redis.down();
    const down = await fetch(ready);
    assert.equal(down.status, 503);
    const body = (await down.json()) as { failures: Record<string, string> };
    assert.deepEqual(Object.keys(body.failures), ['redis']);

    const email = randomEmail('outage');
    await users.signUp(email);
    const ip = randomIp();
    for (let i = 0; i < LIMITS.maxFailuresPerEmail; i += 1) {
      assertRefused(await users.logIn(email, 'wrong password', ip));
    }
    assertRateLimited(await users.logIn(email, PASSWORD, ip));
    await redis.up();
  });
});

describe('client keys', () => {
  it('counts an IPv6 /64 as one client, and a mapped IPv4 address as the IPv4 one', () => {
    assert.equal(clientKey(null), 'unknown');
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(clientKey('2001:DB8:0001:0002::'), '2001:db8:1:2::/64');
    assert.notEqual(clientKey('2001:db8:1:3::1'), clientKey('2001:db8:1:2::1'));
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
  });
});
