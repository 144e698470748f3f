/**
 * Each service on a Postgres of its own (here a database of its own, holding that service's
 * schema alone), every process told where by its own variable: an order still goes all the
 * way from the router to the buyer's mailbox and the warehouse's task list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVICES } from '@supergraph/config';
import { SmtpSink, freePort, waitUntil } from '@supergraph/testing';
import pg from 'pg';
import {
  startSeparateDatabasesJobSystem,
  waitForEmailState,
  waitForOrder,
  type JobSystem,
  type Services,
} from './harness.ts';

/** The services whose schema the database at `url` holds. */
async function schemasIn(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname',
      [[...SERVICES]],
    );
    return rows.map((row) => row.nspname);
  } finally {
    await client.end();
  }
}

describe('every service on a database of its own', () => {
  let jobs: JobSystem<Services>;
  let sink: SmtpSink;

  before(async () => {
    jobs = await startSeparateDatabasesJobSystem();
    sink = await SmtpSink.start();
  });
  after(async () => {
    await jobs?.stop();
    await sink?.stop();
  });

  it('gives each service a database that holds its schema and no other', async () => {
    const urls = Object.values(jobs.databaseUrls);
    assert.equal(new Set(urls).size, 3, 'three databases');
    for (const service of SERVICES) {
      assert.deepEqual(await schemasIn(jobs.databaseUrls[service]), [service]);
    }
  });

  it('confirms an order by email and creates its fulfilment task, worker and all on their own databases', async () => {
    const port = await freePort();
    await jobs.spawnWorker({ smtpUrl: sink.url, env: { WORKER_PORT: String(port) } });
    // Ready only once its orders and tasks pools both answer, which they cannot through the
    // shared DATABASE_URL: that database does not exist.
    const readiness = await waitUntil(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null);
        return res?.ok ? res.json() : null;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the worker to be ready' },
    );
    assert.deepEqual(readiness, { status: 'ready' });

    const buyer = await jobs.signUp('Grace Hopper');
    const order = await jobs.placeOrder(buyer);

    const [mail] = await sink.waitForAccepted(1, 30_000);
    const parsed = mail!.parsed!;
    assert.equal(
      parsed.to && 'value' in parsed.to ? parsed.to.value[0]?.address : null,
      buyer.user.email,
    );
    assert.equal(parsed.messageId, `<order-confirmation.${order.id}@supergraph.test>`);
    assert.match(String(parsed.html), /Grace Hopper/);
    const email = await waitForEmailState(jobs, buyer, order.id, (s) => s.status === 'SENT');
    assert.equal(email.attempts, 1);

    const confirmed = await waitForOrder(
      jobs,
      buyer,
      order.id,
      (o) => o.status === 'CONFIRMED' && o.tasks.length > 0,
    );
    assert.equal(confirmed.tasks.length, 1);
    assert.equal(
      confirmed.tasks[0]?.title,
      `Fulfil order #${order.id.replaceAll('-', '').slice(-12)}`,
    );
    assert.equal(confirmed.tasks[0]?.status, 'OPEN');
    // The rows are where their service keeps them.
    assert.equal(await jobs.tasks.task.count({ where: { orderId: order.id } }), 1);
    assert.equal(
      (await jobs.orders.order.findUniqueOrThrow({ where: { id: order.id } })).status,
      'CONFIRMED',
    );
  });
});
