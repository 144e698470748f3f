import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, UnrecoverableError, type Job } from '@supergraph/queues';
import {
  describeFailure,
  isPermanentFailure,
  PermanentDeliveryError,
  type MailMessage,
  type Mailer,
} from '@supergraph/mail';
import type { DeliveryLedger } from './delivery-ledger.ts';

export type DeliverOnceOptions = {
  ledger: DeliveryLedger;
  mailer: Mailer;
  /**
   * How long a claim lasts. Longer than any one send can take (the mailer's timeouts), so
   * that a second attempt takes over only from an attempt that has died.
   */
  leaseMs: number;
  job: Job;
  token: string | undefined;
  /** Builds the message from current data; throws PermanentDeliveryError if it never can. */
  compose: () => Promise<MailMessage>;
};

/** Records the send, riding out a short database blip: failing here would mean a resend. */
async function recordSent(ledger: DeliveryLedger, token: string, patienceMs: number) {
  const deadline = Date.now() + patienceMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      await ledger.sent(token);
      return;
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      await sleep(wait);
    }
  }
}

/**
 * Sends one email at most once across retries, crashes and concurrent workers:
 * - the ledger is claimed before sending, so a job retried or recovered after a send that
 *   completed finds it SENT and stops;
 * - a worker that died mid-send leaves a claim that expires, after which a recovered job
 *   sends; one still alive keeps its claim, and the other attempt waits, delayed, until then;
 * - the Message-ID is the same on every attempt, so that in the one window no ledger can
 *   close (the server accepted, then the worker died before recording it) the receiving
 *   side can still recognise the copy.
 */
export async function deliverOnce(options: DeliverOnceOptions): Promise<'sent' | 'skipped'> {
  const { ledger, job, token } = options;
  const claim = await ledger.claim(options.leaseMs);
  if (claim.kind === 'finished') return 'skipped';
  if (claim.kind === 'busy') {
    // Waiting does not use up an attempt: nothing has failed.
    await job.moveToDelayed(claim.until.getTime() + 100, token);
    throw new DelayedError();
  }
  // A send may take longer than one lease: a slow users lookup, then a slow server answering
  // each SMTP step just inside its timeout. Renewing the claim while this attempt is alive
  // keeps another from taking over, and sending a second copy, from one that is merely slow;
  // a dead attempt stops renewing, and its claim lapses as before.
  const renewal = setInterval(() => {
    ledger.renew(claim.token, options.leaseMs).catch(() => {
      // A missed renewal is covered by the next one, a third of a lease later.
    });
  }, options.leaseMs / 3);
  try {
    await options.mailer.send(await options.compose());
  } catch (error) {
    clearInterval(renewal);
    const permanent = isPermanentFailure(error) || error instanceof PermanentDeliveryError;
    const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const reason = describeFailure(error);
    await ledger.failed(claim.token, reason, final);
    if (permanent) throw new UnrecoverableError(reason);
    throw error;
  }
  clearInterval(renewal);
  await recordSent(ledger, claim.token, options.leaseMs / 2);
  return 'sent';
}
