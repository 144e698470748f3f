import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export type MailMessage = {
  /** Stable per email, so that a receiving server can recognise a resent copy. */
  messageId: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
};

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export type MailerOptions = {
  /** smtp:// or smtps://; without one, messages are written as .eml files to `mailDir`. */
  smtpUrl: string | undefined;
  from: string;
  mailDir: string;
  /** Connections kept open to the SMTP server. */
  maxConnections?: number;
  /** Bounds every SMTP step, so that a hung server fails the attempt instead of the job lock. */
  timeoutMs?: number;
};

function toMail(from: string, message: MailMessage) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
  };
}

/** A pooled SMTP client: connections are reused across emails, which is most of the cost. */
function smtpMailer(smtpUrl: string, options: MailerOptions): Mailer {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: options.maxConnections ?? 8,
    maxMessages: Infinity,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(message) {
      await transport.sendMail(toMail(options.from, message));
    },
    close: () => transport.close(),
  };
}

/** Development without an SMTP server: each message becomes `<mailDir>/<message id>.eml`. */
function fileMailer(options: MailerOptions): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return {
    async send(message) {
      const info = (await transport.sendMail(toMail(options.from, message))) as { message: Buffer };
      await mkdir(options.mailDir, { recursive: true });
      const name = message.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_');
      await writeFile(path.join(options.mailDir, `${name}.eml`), info.message);
    },
    close: () => transport.close(),
  };
}

export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl ? smtpMailer(options.smtpUrl, options) : fileMailer(options);
}

/** The domain of the sender address, for Message-IDs: `Shop <no-reply@shop.example>`. */
export function senderDomain(from: string): string {
  const match = /@([^\s>]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'localhost';
}

/** A Message-ID that is the same on every attempt to send the same email. */
export function stableMessageId(kind: string, key: string, from: string): string {
  return `<${kind}.${key}@${senderDomain(from)}>`;
}
