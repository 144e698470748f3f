/**
 * /ready follows both of the users subgraph's dependencies, and names the one that failed: the
 * database here (Redis, which holds the log-in counters, is covered by the throttling tests).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@supergraph/observability';
import { closeRedisClient, createRedisClient, type RedisClient } from '@supergraph/redis';
import { createUsersClient } from '@supergraph/prisma/users';
import { createTestDatabase, freePort, readinessOf } from '@supergraph/testing';
import { createServer } from '../src/server.ts';
import { GENEROUS, REDIS_URL, SECRET } from './harness.ts';

let redis: RedisClient;
before(async () => {
  redis = createRedisClient(REDIS_URL);
  if (redis.status !== 'ready') await once(redis, 'ready');
});
after(() => closeRedisClient(redis));

async function readinessOver(databaseUrl: string) {
  const db = createUsersClient({ databaseUrl, poolSize: 1 });
  const { apollo, http } = await createServer({
    db,
    redis,
    logger: createLogger('test', 'silent'),
    subgraphSecret: SECRET,
    jwtSecret: 'test-jwt-secret-that-is-long-enough-for-hs256',
    jwtTtlSeconds: 60,
    production: true,
    loginLimits: GENEROUS,
  });
  return readinessOf({
    http,
    stop: async () => {
      await apollo.stop();
      await db.$disconnect();
    },
  });
}

describe('users readiness', () => {
  it('is ready while its database and Redis answer', async () => {
    const database = await createTestDatabase();
    try {
      assert.deepEqual(await readinessOver(database.url), {
        status: 200,
        body: { status: 'ready' },
      });
    } finally {
      await database.drop();
    }
  });

  it('is not ready, naming only the database, when Postgres cannot be reached', async () => {
    const { status, body } = await readinessOver(
      `postgresql://postgres@127.0.0.1:${await freePort()}/users`,
    );
    assert.equal(status, 503);
    assert.deepEqual(Object.keys(body.failures ?? {}), ['database']);
    assert.match(body.failures!.database!, /Can't reach database server/);
  });
});
