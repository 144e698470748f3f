/**
 * /ready follows the database: 503 naming `database` when Postgres cannot be reached, 200 when
 * it answers. Tasks uses no Redis, so nothing else is checked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTasksClient } from '@supergraph/prisma/tasks';
import { createTestDatabase, freePort, readinessOf } from '@supergraph/testing';
import { createServer } from '../src/server.ts';
import { SECRET, silent } from './harness.ts';

async function readinessOver(databaseUrl: string) {
  const db = createTasksClient({ databaseUrl, poolSize: 1 });
  const { apollo, http } = await createServer({
    db,
    logger: silent,
    subgraphSecret: SECRET,
    production: true,
  });
  return readinessOf({
    http,
    stop: async () => {
      await apollo.stop();
      await db.$disconnect();
    },
  });
}

describe('tasks readiness', () => {
  it('is ready while its database answers', async () => {
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

  it('is not ready, naming the database, when Postgres cannot be reached', async () => {
    const { status, body } = await readinessOver(
      `postgresql://postgres@127.0.0.1:${await freePort()}/tasks`,
    );
    assert.equal(status, 503);
    assert.deepEqual(Object.keys(body.failures ?? {}), ['database']);
    assert.match(body.failures!.database!, /Can't reach database server/);
  });
});
