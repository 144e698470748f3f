import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { MailMessage, Mailer, Recipient, UserDirectory } from '@supergraph/mail';
import type { Job, ReminderJob } from '@supergraph/queues';
import { ReminderLedger } from '../src/data/reminder-ledger.ts';
import { createTasksProcessors, renderReminder } from '../src/jobs/index.ts';
import { openTasksDatabase, silent, type TasksDatabase } from './harness.ts';

let database: TasksDatabase;
before(async () => {
  database = await openTasksDatabase();
});
after(() => database.stop());

const DUE = new Date('2030-01-31T09:00:00.000Z');
const FROM = 'Shop <no-reply@shop.example>';

async function newTask(
  fields: { dueAt?: Date | null; assigneeId?: string | null; title?: string } = {},
) {
  return database.db.task.create({
    data: {
      title: fields.title ?? 'Water the plants',
      ownerId: randomUUID(),
      dueAt: fields.dueAt === undefined ? DUE : fields.dueAt,
      assigneeId: fields.assigneeId ?? null,
    },
  });
}

function ledgerRow(taskId: string, dueAt = DUE) {
  return database.db.reminderDelivery.findUnique({
    where: { taskId_dueAt: { taskId, dueAt } },
  });
}

describe('reminder ledger', () => {
  it('claims once, reports a live claim as busy, and finishes once sent', async () => {
    const task = await newTask();
    const ledger = new ReminderLedger(database.db, task.id, DUE);
    const first = await ledger.claim(60_000);
    assert.equal(first.kind, 'claimed');
    const second = await ledger.claim(60_000);
    assert.equal(second.kind, 'busy');
    assert.ok(second.kind === 'busy' && second.until.getTime() > Date.now() + 50_000);
    await ledger.sent(first.kind === 'claimed' ? first.token : '');
    assert.deepEqual(await ledger.claim(60_000), { kind: 'finished' });
    const row = await ledgerRow(task.id);
    assert.equal(row?.status, 'SENT');
    assert.equal(row?.attempts, 1);
    assert.ok(row?.sentAt);
    const other = await new ReminderLedger(database.db, task.id, new Date('2030-02-01')).claim(
      1000,
    );
    assert.equal(other.kind, 'claimed', 'another due date is another reminder');
  });

  it('lets exactly one of many concurrent attempts claim', async () => {
    const task = await newTask();
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => new ReminderLedger(database.db, task.id, DUE).claim(60_000)),
    );
    assert.equal(claims.filter((claim) => claim.kind === 'claimed').length, 1);
    assert.equal(claims.filter((claim) => claim.kind === 'busy').length, 7);
  });

  it('frees the claim after a failed attempt, and ends it after the final one', async () => {
    const task = await newTask();
    const ledger = new ReminderLedger(database.db, task.id, DUE);
    const first = await ledger.claim(60_000);
    assert.ok(first.kind === 'claimed');
    await ledger.failed(first.token, 'connection refused', false);
    const second = await ledger.claim(60_000);
    assert.ok(second.kind === 'claimed', 'a retry may send at once');
    let row = await ledgerRow(task.id);
    assert.equal(row?.status, 'SENDING');
    assert.equal(row?.attempts, 2);
    assert.equal(row?.lastError, 'connection refused');
    await ledger.failed(second.token, '550 no such mailbox', true);
    assert.deepEqual(await ledger.claim(60_000), { kind: 'finished' });
    row = await ledgerRow(task.id);
    assert.equal(row?.status, 'FAILED');
    assert.equal(row?.lastError, '550 no such mailbox');
  });

  it('lets a lapsed claim be taken over, and fences the attempt that lost it', async () => {
    const task = await newTask();
    const ledger = new ReminderLedger(database.db, task.id, DUE);
    const stale = await ledger.claim(20);
    assert.ok(stale.kind === 'claimed');
    await sleep(60);
    const fresh = await ledger.claim(60_000);
    assert.ok(fresh.kind === 'claimed');
    assert.notEqual(fresh.token, stale.token);
    await ledger.sent(stale.token);
    await ledger.failed(stale.token, 'late', true);
    const row = await ledgerRow(task.id);
    assert.equal(row?.status, 'SENDING', 'the stale attempt changed nothing');
    assert.equal(row?.lastError, null);
    await ledger.sent(fresh.token);
    assert.equal((await ledgerRow(task.id))?.status, 'SENT');
  });

  it('claims nothing for a task that is gone', async () => {
    const ledger = new ReminderLedger(database.db, randomUUID(), DUE);
    assert.deepEqual(await ledger.claim(60_000), { kind: 'finished' });
  });
});

describe('reminder processor', () => {
  const sent: MailMessage[] = [];
  let failNext: Error | null = null;
  const mailer: Mailer = {
    async send(message) {
      if (failNext) {
        const error = failNext;
        failNext = null;
        throw error;
      }
      sent.push(message);
    },
    close: () => {},
  };
  const people = new Map<string, Recipient>();
  const users: UserDirectory = { get: (id) => Promise.resolve(people.get(id) ?? null) };
  const processors = () =>
    createTasksProcessors({
      db: database.db,
      mailer,
      users,
      mailFrom: FROM,
      leaseMs: 60_000,
      logger: silent,
    })['task-reminders'];
  // deliverOnce reads the attempt count; a claimed send never moves the job.
  const job = (attemptsMade = 0) =>
    ({ attemptsMade, opts: { attempts: 3 } }) as unknown as Job<ReminderJob>;
  const run = (data: ReminderJob, attemptsMade = 0) =>
    processors()['send-reminder'](data, job(attemptsMade), 'token');

  function person(name: string): Recipient {
    const recipient = { id: randomUUID(), name, email: `${name.toLowerCase()}@example.com` };
    people.set(recipient.id, recipient);
    return recipient;
  }

  it('emails the assignee once per due date, however often the job runs', async () => {
    const assignee = person('Ada');
    const task = await newTask({ assigneeId: assignee.id, title: 'Renew <the> lease' });
    const data = { taskId: task.id, dueAt: DUE.toISOString() };
    sent.length = 0;
    await run(data);
    await run(data);
    assert.equal(sent.length, 1);
    const [message] = sent;
    assert.deepEqual(message!.to, { name: 'Ada', address: 'ada@example.com' });
    assert.equal(message!.messageId, `<task-reminder.${task.id}.${DUE.getTime()}@shop.example>`);
    assert.match(message!.subject, /^Reminder: "Renew <the> lease" is due 31 Jan 2030, 09:00 UTC$/);
    assert.equal((await ledgerRow(task.id))?.status, 'SENT');
  });

  it('emails the owner when nobody is assigned', async () => {
    const owner = person('Grace');
    const task = await database.db.task.create({
      data: { title: 'Owner only', ownerId: owner.id, dueAt: DUE },
    });
    sent.length = 0;
    await run({ taskId: task.id, dueAt: DUE.toISOString() });
    assert.deepEqual(
      sent.map((m) => m.to.address),
      ['grace@example.com'],
    );
  });

  it('does nothing for a task that moved on since the job was scheduled', async () => {
    const owner = person('Linus');
    const moved = await database.db.task.create({
      data: { title: 'Moved', ownerId: owner.id, dueAt: new Date('2030-06-01T00:00:00Z') },
    });
    const done = await database.db.task.create({
      data: { title: 'Done', ownerId: owner.id, dueAt: DUE, status: 'DONE' },
    });
    sent.length = 0;
    await run({ taskId: moved.id, dueAt: DUE.toISOString() });
    await run({ taskId: done.id, dueAt: DUE.toISOString() });
    await run({ taskId: randomUUID(), dueAt: DUE.toISOString() });
    assert.equal(sent.length, 0);
    assert.equal(await ledgerRow(moved.id), null);
    assert.equal(await ledgerRow(done.id), null);
  });

  it('retries a failed send, and gives up for good on a recipient that is gone', async () => {
    const owner = person('Barbara');
    const task = await database.db.task.create({
      data: { title: 'Flaky', ownerId: owner.id, dueAt: DUE },
    });
    const data = { taskId: task.id, dueAt: DUE.toISOString() };
    sent.length = 0;
    failNext = new Error('connect ECONNREFUSED');
    await assert.rejects(run(data), /ECONNREFUSED/);
    assert.equal((await ledgerRow(task.id))?.status, 'SENDING');
    await run(data, 1);
    assert.equal(sent.length, 1, 'the retry sends at once');
    assert.equal((await ledgerRow(task.id))?.attempts, 2);

    const orphan = await newTask();
    await assert.rejects(run({ taskId: orphan.id, dueAt: DUE.toISOString() }), {
      name: 'UnrecoverableError',
    });
    const row = await ledgerRow(orphan.id);
    assert.equal(row?.status, 'FAILED');
    assert.match(row?.lastError ?? '', /does not exist/);
  });

  it('refuses malformed jobs for good', async () => {
    await assert.rejects(run({ taskId: 'nope', dueAt: DUE.toISOString() }), {
      name: 'UnrecoverableError',
    });
    await assert.rejects(run({ taskId: randomUUID(), dueAt: 'soon' }), {
      name: 'UnrecoverableError',
    });
  });
});

describe('reminder email', () => {
  it('escapes the task in HTML and keeps the text plain', () => {
    const message = renderReminder({
      task: { id: 'abc', title: 'Fix <b>&</b>', notes: 'Line 1\n<script>', dueAt: DUE },
      recipient: { id: 'u', name: "O'Brien <Pat>", email: 'pat@example.com' },
      from: FROM,
    });
    assert.equal(message.subject, 'Reminder: "Fix <b>&</b>" is due 31 Jan 2030, 09:00 UTC');
    assert.match(message.text, /The task "Fix <b>&<\/b>" is due 31 Jan 2030, 09:00 UTC\./);
    assert.match(message.text, /<script>/);
    assert.match(message.html, /Fix &lt;b&gt;&amp;&lt;\/b&gt;/);
    assert.match(message.html, /O&#39;Brien &lt;Pat&gt;/);
    assert.doesNotMatch(message.html, /<script>|<b>/);
    assert.equal(message.messageId, `<task-reminder.abc.${DUE.getTime()}@shop.example>`);
  });
});
