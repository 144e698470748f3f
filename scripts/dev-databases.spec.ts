/**
 * Which database each service gets under `npm run dev`: given URLs must answer, and the
 * embedded Postgres stands in, once, for every service given none when nothing answers at
 * the local default.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DATABASE_URL } from '@supergraph/config';
import { devDatabaseUrls } from './lib/local-postgres.ts';

const EMBEDDED = 'postgresql://postgres:postgres@127.0.0.1:54329/supergraph';
const ORDERS = 'postgresql://orders@orders-db.internal:5432/orders';
const SHARED = 'postgresql://app@db.internal:5432/shop';

/** Resolves with `answering` as the URLs whose server answers; counts embedded starts. */
async function resolve(source: Record<string, string>, answering: string[]) {
  let started = 0;
  const urls = await devDatabaseUrls(
    source,
    async () => {
      started += 1;
      return EMBEDDED;
    },
    async (url) => answering.includes(url),
  );
  return { urls, started };
}

describe('the databases of npm run dev', () => {
  it('uses the local default when it answers and nothing is set', async () => {
    assert.deepEqual(await resolve({}, [DEFAULT_DATABASE_URL]), {
      urls: {
        users: DEFAULT_DATABASE_URL,
        orders: DEFAULT_DATABASE_URL,
        tasks: DEFAULT_DATABASE_URL,
      },
      started: 0,
    });
  });

  it('starts one embedded Postgres for every service when nothing is set and nothing answers', async () => {
    assert.deepEqual(await resolve({}, []), {
      urls: { users: EMBEDDED, orders: EMBEDDED, tasks: EMBEDDED },
      started: 1,
    });
  });

  it('gives a service its own database, and the embedded one to the services given none', async () => {
    assert.deepEqual(await resolve({ ORDERS_DATABASE_URL: ORDERS }, [ORDERS]), {
      urls: { users: EMBEDDED, orders: ORDERS, tasks: EMBEDDED },
      started: 1,
    });
    assert.deepEqual(
      await resolve({ DATABASE_URL: SHARED, ORDERS_DATABASE_URL: ORDERS }, [ORDERS, SHARED]),
      { urls: { users: SHARED, orders: ORDERS, tasks: SHARED }, started: 0 },
    );
  });

  it('stops, naming the variable, when a database that was given does not answer', async () => {
    await assert.rejects(resolve({ DATABASE_URL: SHARED, ORDERS_DATABASE_URL: ORDERS }, [SHARED]), {
      message:
        'Postgres does not answer at ORDERS_DATABASE_URL (orders-db.internal:5432). Start it, or unset ORDERS_DATABASE_URL to use DATABASE_URL.',
    });
    await assert.rejects(resolve({ DATABASE_URL: SHARED, ORDERS_DATABASE_URL: ORDERS }, [ORDERS]), {
      message:
        'Postgres does not answer at DATABASE_URL (db.internal:5432). Start it, or unset DATABASE_URL to use an embedded Postgres under .data/.',
    });
    await assert.rejects(resolve({ TASKS_DATABASE_URL: 'mysql://db/tasks' }, []), {
      name: 'ConfigError',
      message: 'TASKS_DATABASE_URL: expected a postgresql:// or postgres:// URL',
    });
  });
});
