import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { freePort, SmtpSink } from '@supergraph/testing';
import { describeFailure, isPermanentFailure } from './failures.ts';
import { createMailer, senderDomain, stableMessageId, type MailMessage } from './mailer.ts';

const FROM = 'Supergraph Shop <no-reply@shop.example>';
const message = (messageId = stableMessageId('test', 'one', FROM)): MailMessage => ({
  messageId,
  to: { name: 'Ada', address: 'ada@example.com' },
  subject: 'Hello',
  text: 'plain words',
  html: '<p>rich words</p>',
});

describe('mailer', () => {
  it('makes the same Message-ID for the same email, under the sender domain', () => {
    assert.equal(senderDomain(FROM), 'shop.example');
    assert.equal(senderDomain('bare@host.test'), 'host.test');
    assert.equal(stableMessageId('order', 'abc', FROM), '<order.abc@shop.example>');
    assert.equal(stableMessageId('order', 'abc', FROM), stableMessageId('order', 'abc', FROM));
  });

  it('writes .eml files, one per Message-ID, when there is no SMTP server', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-mail-'));
    try {
      const mailer = createMailer({ smtpUrl: undefined, from: FROM, mailDir: dir });
      await mailer.send(message());
      await mailer.send(message());
      const files = readdirSync(dir);
      assert.deepEqual(files, ['test.one@shop.example.eml']);
      const eml = readFileSync(path.join(dir, files[0]!), 'utf8');
      assert.match(eml, /Message-ID: <test\.one@shop\.example>/i);
      assert.match(eml, /plain words/);
      assert.match(eml, /rich words/);
      mailer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends over SMTP with text and HTML parts and the stable Message-ID', async () => {
    const sink = await SmtpSink.start();
    const mailer = createMailer({ smtpUrl: sink.url, from: FROM, mailDir: '/nonexistent' });
    try {
      await mailer.send(message());
      const [mail] = await sink.waitForAccepted(1);
      assert.equal(mail!.messageId, '<test.one@shop.example>');
      assert.equal(mail!.parsed!.text?.trim(), 'plain words');
      assert.match(String(mail!.parsed!.html), /rich words/);
    } finally {
      mailer.close();
      await sink.stop();
    }
  });

  it('tells a permanent refusal from a failure worth retrying', async () => {
    const sink = await SmtpSink.start();
    sink.mode = { kind: 'reject', code: 550, message: 'No such user' };
    const refused = createMailer({ smtpUrl: sink.url, from: FROM, mailDir: '/nonexistent' });
    const down = createMailer({
      smtpUrl: `smtp://127.0.0.1:${await freePort()}`,
      from: FROM,
      mailDir: '/nonexistent',
    });
    try {
      const permanent = await refused.send(message()).then(
        () => assert.fail('the server refused the recipient'),
        (error: unknown) => error,
      );
      assert.equal(isPermanentFailure(permanent), true);
      assert.match(describeFailure(permanent), /550/);
      sink.mode = { kind: 'reject', code: 451, message: 'Try again later' };
      const later = await refused.send(message()).then(
        () => assert.fail('the server deferred the recipient'),
        (error: unknown) => error,
      );
      assert.equal(isPermanentFailure(later), false);
      const unreachable = await down.send(message()).then(
        () => assert.fail('nothing listens there'),
        (error: unknown) => error,
      );
      assert.equal(isPermanentFailure(unreachable), false);
      assert.doesNotMatch(describeFailure(unreachable), /\n|\s{2}/);
    } finally {
      refused.close();
      down.close();
      await sink.stop();
    }
  });
});
