import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { waitUntil } from './free-port.ts';

export type SinkMode =
  | { kind: 'accept' }
  /** Refuses every recipient with this reply, e.g. 550 or 451. */
  | { kind: 'reject'; code: number; message: string }
  /** Holds the reply to each message's data until `release` (or until the client goes away). */
  | { kind: 'hold' }
  /** Answers MAIL FROM, RCPT TO and the data each `delayMs` late: slow, yet never idle long. */
  | { kind: 'slow'; delayMs: number };

export type AcceptedMail = {
  messageId: string | undefined;
  /** The parsed message; left out by a sink started with `parse: false`. */
  parsed: ParsedMail | undefined;
  acceptedAt: number;
};

export type SinkOptions = {
  /**
   * Parse every message in full (default). A benchmark turns it off, so that the sink reads
   * only the Message-ID and costs the machine little next to what is measured.
   */
  parse?: boolean;
};

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

function headerMessageId(raw: Buffer): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end === -1 ? raw.length : end).toString('latin1');
  return /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1];
}

/**
 * A real SMTP server on loopback that records what it accepted. A message counts as
 * accepted only once the server has replied 250 to a client still connected, which is the
 * moment a real server takes responsibility for it.
 */
export class SmtpSink {
  readonly accepted: AcceptedMail[] = [];
  /** Messages whose data arrived, accepted or not. */
  received = 0;
  mode: SinkMode = { kind: 'accept' };
  private readonly closed = new Set<string>();
  private readonly held: Array<() => void> = [];
  private server: SMTPServer | null = null;
  private readonly listeners = new Set<(mail: AcceptedMail) => void>();

  private constructor(
    readonly port: number,
    private readonly options: SinkOptions,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(port = 0, options: SinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(port, options);
    return sink.listen();
  }

  /** Starts listening (again) on the same port. */
  async listen(): Promise<SmtpSink> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      onMailFrom: (_address, _session, callback) => {
        if (this.mode.kind === 'slow') setTimeout(() => callback(), this.mode.delayMs);
        else callback();
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.mode.kind === 'slow') {
          setTimeout(() => callback(), this.mode.delayMs);
          return;
        }
        if (this.mode.kind === 'reject') {
          const error = new Error(this.mode.message) as Error & { responseCode: number };
          error.responseCode = this.mode.code;
          callback(error);
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        this.received += 1;
        const read =
          this.options.parse === false
            ? readAll(stream).then((raw) => ({
                messageId: headerMessageId(raw),
                parsed: undefined,
              }))
            : simpleParser(stream).then((parsed) => ({ messageId: parsed.messageId, parsed }));
        read
          .then(async ({ messageId, parsed }) => {
            if (this.mode.kind === 'hold') {
              await new Promise<void>((resolve) => this.held.push(resolve));
            }
            if (this.mode.kind === 'slow') {
              await new Promise((resolve) =>
                setTimeout(resolve, (this.mode as { delayMs: number }).delayMs),
              );
            }
            if (this.closed.has(session.id)) {
              callback(new Error('client went away'));
              return;
            }
            const mail = { messageId, parsed, acceptedAt: Date.now() };
            this.accepted.push(mail);
            for (const listener of this.listeners) listener(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
      onClose: (session: SMTPServerSession) => {
        this.closed.add(session.id);
        // A held message whose client died is never accepted; let its handler finish.
        this.releaseAll();
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.listen(this.port, '127.0.0.1', () => resolve());
      server.server.once('error', reject);
    });
    (this as { port: number }).port = (server.server.address() as { port: number }).port;
    this.server = server;
    return this;
  }

  /** Calls `listener` for every message accepted from now on. */
  onAccepted(listener: (mail: AcceptedMail) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Lets every held message be answered. */
  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }

  get heldCount(): number {
    return this.held.length;
  }

  async waitForAccepted(count: number, timeoutMs = 15_000): Promise<AcceptedMail[]> {
    await waitUntil(() => this.accepted.length >= count, {
      timeoutMs,
      what: `${count} accepted email(s), have ${this.accepted.length}`,
    });
    return this.accepted;
  }

  /** Stops listening and drops open connections: the server is down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    this.releaseAll();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
