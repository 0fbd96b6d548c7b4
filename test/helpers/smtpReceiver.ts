import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { eventually } from './eventually';

export interface ReceivedMail {
  /** MAIL FROM and RCPT TO: who the server was asked to deliver to, Bcc included. */
  envelope: { from: string; to: string[] };
  /** The message exactly as transmitted (what every recipient would get). */
  raw: string;
  parsed: ParsedMail;
}

/** Mail to an address starting with this is refused at DATA with 554. */
export const REJECT_PREFIX = 'reject-';

/** A real SMTP server (smtp-server) on a free port that keeps what it receives. */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  /** Recipient address → how many more messages to it are refused at DATA with 554. */
  private readonly refusals = new Map<string, number>();

  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<SmtpReceiver> {
    let receiver: SmtpReceiver | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 50 * 1024 * 1024,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          // Tests run concurrently: a refusal is asked for by the recipient, not by a shared flag.
          if (session.envelope.rcptTo.some((r) => r.address.startsWith(REJECT_PREFIX) || receiver?.refused(r.address))) {
            return callback(Object.assign(new Error('Message rejected by test server'), { responseCode: 554 }));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
              receiver?.mails.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, raw, parsed });
              callback();
            })
            .catch(callback);
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    receiver = new SmtpReceiver(server, `smtp://127.0.0.1:${port}`);
    return receiver;
  }

  /** Refuses the next `times` messages to `address` (554 at DATA), then accepts again. */
  refuseNext(address: string, times = 1): void {
    this.refusals.set(address, times);
  }

  private refused(address: string): boolean {
    const left = this.refusals.get(address) ?? 0;
    if (left > 0) this.refusals.set(address, left - 1);
    return left > 0;
  }

  /** The mail whose Message-ID header is `messageId`. */
  byMessageId(messageId: string, timeoutMs = 5000): Promise<ReceivedMail> {
    return eventually(() => this.mails.find((m) => m.parsed.messageId === messageId), timeoutMs, `mail ${messageId}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
