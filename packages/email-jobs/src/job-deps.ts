import type { Logger } from '@supergraph/observability';
import type { Mailer, UserDirectory } from '@supergraph/mail';

/** What a service's job processors get from the worker: its own client and the mail tools. */
export type JobDeps<Db> = {
  db: Db;
  mailer: Mailer;
  users: UserDirectory;
  /** The sender of every email, `Name <address>`. */
  mailFrom: string;
  /** How long one attempt holds an email's send: longer than the mailer's timeouts. */
  leaseMs: number;
  logger: Logger;
};
