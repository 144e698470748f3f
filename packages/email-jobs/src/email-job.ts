import type { MailMessage } from '@supergraph/mail';
import type { Job } from '@supergraph/queues';
import { deliverOnce } from './deliver-once.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import type { JobDeps } from './job-deps.ts';

/** What a service tells the pipeline about one kind of email. */
export type EmailKind<Data, Email> = {
  /**
   * The email a job asks for, or null when it is no longer wanted (its job came too late to
   * be removed). Malformed data, which no retry fixes, throws UnrecoverableError.
   */
  resolve(data: Data): Promise<Email | null>;
  /** The email's record in the service's own delivery table. */
  ledger(email: Email): DeliveryLedger;
  /** Builds the message from current data; throws PermanentDeliveryError if it never can. */
  compose(email: Email): Promise<MailMessage>;
};

export type EmailOutcome = 'sent' | 'skipped' | 'unwanted';

/**
 * The processing of every email job, from the outbox row's job to the send: the job names
 * the email, the ledger decides whether this attempt may send it, and only then is it
 * composed, from data read at that moment.
 */
export function createEmailJob<Data, Email>(
  kind: EmailKind<Data, Email>,
  deps: Pick<JobDeps<unknown>, 'mailer' | 'leaseMs'>,
) {
  return async (data: Data, job: Job, token: string | undefined): Promise<EmailOutcome> => {
    const email = await kind.resolve(data);
    if (email === null) return 'unwanted';
    return deliverOnce({
      ledger: kind.ledger(email),
      mailer: deps.mailer,
      leaseMs: deps.leaseMs,
      job,
      token,
      compose: () => kind.compose(email),
    });
  };
}
