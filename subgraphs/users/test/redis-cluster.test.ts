/**
 * Log-in throttling on a Redis Cluster of three masters. Two replicas of the users subgraph
 * share their counters only through the cluster: when Redis fails, each counts in memory of
 * its own, and these tests would see two separate budgets.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { errorCodes, PrivateRedisCluster, waitUntil } from '@supergraph/testing';
import { loadUsersConfig } from '../src/config.ts';
import { PASSWORD, randomEmail, randomIp, startUsers, type UsersSubgraph } from './harness.ts';

const LIMITS = { maxFailuresPerEmail: 3, maxAttemptsPerIp: 1000, windowSeconds: 60 };

const codes = async (answer: ReturnType<UsersSubgraph['logIn']>) => errorCodes(await answer);

describe('log-in throttling on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let a: UsersSubgraph;
  let b: UsersSubgraph;
  /** Each replica here has a database of its own: the account is made in both. */
  const signUpAtBoth = (email: string) => Promise.all([a, b].map((users) => users.signUp(email)));

  before(async () => {
    cluster = await PrivateRedisCluster.start();
    const { redis } = loadUsersConfig({ REDIS_CLUSTER_NODES: cluster.nodes });
    const namespace = `test-${randomUUID()}`;
    a = await startUsers({ loginLimits: LIMITS, redis, namespace });
    b = await startUsers({ loginLimits: LIMITS, redis, namespace });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await cluster?.stop();
  });

  it('is ready', async () => {
    for (const users of [a, b]) {
      const res = await fetch(new URL('/ready', users.url));
      assert.equal(res.status, 200, await res.text());
    }
  });

  it('refuses an email at one replica after its failures at the other', async () => {
    const email = randomEmail('victim');
    const other = randomEmail('bystander');
    await signUpAtBoth(email);
    await signUpAtBoth(other);
    for (let i = 0; i < LIMITS.maxFailuresPerEmail; i += 1) {
      assert.deepEqual(await codes(a.logIn(email, 'wrong password', randomIp())), [
        'UNAUTHENTICATED',
      ]);
    }
    assert.deepEqual(await codes(b.logIn(email, PASSWORD, randomIp())), ['RATE_LIMITED']);
    assert.deepEqual(await codes(b.logIn(other, PASSWORD, randomIp())), []);
  });

  it("forgets an email's failures at every replica after a log-in at one", async () => {
    const email = randomEmail('forgetful');
    await signUpAtBoth(email);
    for (const [failAt, logInAt] of [
      [a, b],
      [a, a],
    ] as const) {
      for (let i = 1; i < LIMITS.maxFailuresPerEmail; i += 1) {
        assert.deepEqual(await codes(failAt.logIn(email, 'wrong password', randomIp())), [
          'UNAUTHENTICATED',
        ]);
      }
      assert.deepEqual(await codes(logInAt.logIn(email, PASSWORD, randomIp())), []);
    }
  });
});

describe('users readiness on a Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let users: UsersSubgraph;

  before(async () => {
    // The other nodes count a silent one failed after a second, and the cluster then stops.
    cluster = await PrivateRedisCluster.start({ nodeTimeoutMs: 1000 });
    users = await startUsers({ redis: cluster.target });
  });
  after(async () => {
    await users?.stop();
    await cluster?.stop();
  });

  it('is not ready, naming Redis, once a master is down and its slots unserved', async () => {
    const ready = new URL('/ready', users.url);
    assert.equal((await fetch(ready)).status, 200);
    await cluster.down(1);
    const body = await waitUntil(
      async () => {
        const res = await fetch(ready);
        return res.status === 503 && ((await res.json()) as { failures: Record<string, string> });
      },
      { timeoutMs: 15_000, intervalMs: 200, what: '/ready to answer 503' },
    );
    assert.deepEqual(Object.keys(body.failures), ['redis']);
  });
});
