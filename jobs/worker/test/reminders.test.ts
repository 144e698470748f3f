import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QUEUES, reminderJobId } from '@supergraph/queues';
import { SmtpSink, waitUntil } from '@supergraph/testing';
import { settle, startJobSystem, type Auth, type JobSystem } from './harness.ts';

describe('task reminders', () => {
  let jobs: JobSystem;
  let sink: SmtpSink;
  let owner: Auth;

  before(async () => {
    jobs = await startJobSystem();
    sink = await SmtpSink.start();
    await jobs.startWorker({ smtpUrl: sink.url });
    owner = await jobs.signUp('Olive Owner');
  });
  after(async () => {
    await jobs.stop();
    await sink.stop();
  });

  const createTask = async (title: string, dueAt: Date) =>
    (
      await jobs.call<{ createTask: { id: string } }>(
        owner,
        `mutation ($input: CreateTaskInput!) { createTask(input: $input) { id } }`,
        { input: { title, dueAt: dueAt.toISOString() } },
      )
    ).createTask.id;

  const remindersFor = (title: string) =>
    sink.accepted.filter((mail) => (mail.parsed!.subject ?? '').includes(title));

  const delayedJob = (taskId: string, dueAt: Date) =>
    jobs.queue(QUEUES.taskReminders).getJob(reminderJobId(taskId, dueAt));

  it('fires at the due date', async () => {
    const dueAt = new Date(Date.now() + 4000);
    const id = await createTask('Water the plants', dueAt);
    // On a loaded machine the relay may enqueue it close to the due date: its existence is what
    // counts here, and the send time is checked below.
    await waitUntil(async () => Boolean(await delayedJob(id, dueAt)), {
      timeoutMs: 15_000,
      what: 'the reminder job',
    });
    await waitUntil(() => remindersFor('Water the plants').length === 1, {
      timeoutMs: 15_000,
      what: 'the reminder',
    });
    const [mail] = remindersFor('Water the plants');
    assert.ok(mail!.acceptedAt >= dueAt.getTime() - 50, 'sent at the due date, not before');
    assert.equal(
      mail!.parsed!.to && 'value' in mail!.parsed!.to ? mail!.parsed!.to.value[0]?.address : null,
      owner.user.email,
    );
    await settle();
    assert.equal(remindersFor('Water the plants').length, 1);
  });

  it('moves with the due date', async () => {
    const first = new Date(Date.now() + 60 * 60 * 1000);
    const id = await createTask('Renew the passport', first);
    await waitUntil(async () => (await delayedJob(id, first))?.isDelayed(), {
      what: 'a delayed job',
    });
    const second = new Date(Date.now() + 1500);
    await jobs.call(
      owner,
      `mutation ($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { id } }`,
      {
        id,
        input: { dueAt: second.toISOString() },
      },
    );
    await waitUntil(async () => !(await delayedJob(id, first)), { what: 'the old reminder to go' });
    await waitUntil(() => remindersFor('Renew the passport').length === 1, {
      timeoutMs: 15_000,
      what: 'the rescheduled reminder',
    });
    await settle();
    assert.equal(remindersFor('Renew the passport').length, 1);
  });

  it('is cancelled when the task is done or deleted', async () => {
    const dueAt = new Date(Date.now() + 2500);
    const done = await createTask('Call the bank', dueAt);
    const deleted = await createTask('Book the dentist', dueAt);
    await waitUntil(
      async () => (await delayedJob(done, dueAt)) && (await delayedJob(deleted, dueAt)),
      {
        what: 'both delayed jobs',
      },
    );
    await jobs.call(owner, `mutation ($id: ID!) { completeTask(id: $id) { id } }`, { id: done });
    await jobs.call(owner, `mutation ($id: ID!) { deleteTask(id: $id) }`, { id: deleted });
    await waitUntil(
      async () => !(await delayedJob(done, dueAt)) && !(await delayedJob(deleted, dueAt)),
      { what: 'both reminders to be removed' },
    );
    await settle(Math.max(0, dueAt.getTime() - Date.now()) + 1500);
    assert.equal(remindersFor('Call the bank').length, 0);
    assert.equal(remindersFor('Book the dentist').length, 0);
  });
});
