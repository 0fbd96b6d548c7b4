import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerAddress, type SMTPServerEnvelope, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../../config';
import type { Inbox } from '../domain/email';
import type { InboundMailService } from '../services/inbound';
import type { BucketFamily } from '../services/rateLimits';
import type { DnsResolver } from './dnsResolver';
import { parseMail, UnstorableMailError } from './parseMail';
import { smtpError } from './replies';

export interface InboundSmtpDeps {
  inbound: InboundMailService;
  /** Messages per client address per minute (INBOUND_CLIENT_MESSAGES_PER_MINUTE). */
  clientBuckets: BucketFamily;
  config: Config['inbound'];
  resolver: DnsResolver;
  logger: Logger;
}

type Callback = (err?: Error | null) => void;

/**
 * The receiving SMTP server (docs/email.md#receiving-mail). A recipient that is no
 * inbox's is refused at RCPT TO; the mail is read while counting its size (SIZE is announced and
 * enforced by smtp-server), parsed and authenticated, and stored once per recipient inbox before
 * 250 is answered. Any storage failure is a 451: the sending server keeps the mail and retries.
 */
export class InboundSmtpServer {
  private readonly server: SMTPServer;
  private readonly budget: { points: number; duration: number };
  private readonly mta = hostname();
  /** Recipient inboxes of each transaction, by envelope (smtp-server makes a new one per transaction). */
  private readonly recipients = new WeakMap<SMTPServerEnvelope, Map<string, Inbox>>();
  /** Sessions whose message is being read or stored: a graceful stop lets these finish. */
  private readonly busy = new Set<string>();
  private closing = false;

  constructor(
    private readonly deps: InboundSmtpDeps,
    graceMs = 10_000,
  ) {
    this.budget = { points: deps.config.clientMessagesPerMinute, duration: 60 };
    this.server = new SMTPServer({
      name: this.mta,
      banner: 'Sendook inbound mail',
      size: deps.config.maxBytes,
      // Each connection may hold a message in memory: this bounds the sum (421 past it).
      maxClients: deps.config.maxConnections,
      authOptional: true,
      // No certificate is configured, so no STARTTLS; put a TLS-terminating proxy in front if needed.
      disabledCommands: ['AUTH', 'STARTTLS'],
      // Reverse DNS of every client would be a network call per connection that nothing here uses.
      disableReverseLookup: true,
      logger: false,
      closeTimeout: graceMs,
      onMailFrom: (_address, session, callback) => void this.onMailFrom(session, callback),
      onRcptTo: (address, session, callback) => void this.onRcptTo(address, session, callback),
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
    this.server.on('error', (err) => deps.logger.warn({ err }, 'inbound SMTP connection error'));
  }

  /** Resolves with the bound port; a port in use stops the boot. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.server.address() as AddressInfo).port));
    });
  }

  /**
   * Graceful stop: no new connections or transactions; idle connections get 421 now; a message
   * being read or stored is finished and answered, then its connection gets 421. Connections still
   * open after the grace period are cut by smtp-server (with 421).
   */
  close(): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.closing = true;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections()) if (!this.busy.has(connection.id)) this.hangUp(connection.id);
    return done;
  }

  private async onMailFrom(session: SMTPServerSession, callback: Callback): Promise<void> {
    if (this.closing) return callback(smtpError(421, '4.3.2 Shutting down, try again later'));
    try {
      const decision = await this.deps.clientBuckets.consume(session.remoteAddress, this.budget);
      if (!decision.allowed) return callback(smtpError(450, `4.7.1 Too many messages from ${session.remoteAddress}, try again in ${decision.resetSeconds} s`));
      callback();
    } catch (err) {
      this.deps.logger.warn({ err }, 'inbound SMTP: client budget could not be checked');
      callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
    }
  }

  private async onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: Callback): Promise<void> {
    const envelope = session.envelope;
    if (envelope.rcptTo.length >= this.deps.config.maxRecipients) {
      // RFC 5321 4.5.3.1.10: the client sends the rest in another transaction.
      return callback(smtpError(452, `4.5.3 Too many recipients (at most ${this.deps.config.maxRecipients} per message)`));
    }
    try {
      const inbox = await this.deps.inbound.recipient(address.address);
      if (!inbox) return callback(smtpError(550, '5.1.1 No such mailbox here'));
      if (await this.deps.inbound.storageFull(inbox.organizationId)) {
        return callback(smtpError(452, '4.2.2 Mailbox full, try again later'));
      }
      let inboxes = this.recipients.get(envelope);
      if (!inboxes) this.recipients.set(envelope, (inboxes = new Map()));
      inboxes.set(inbox.id, inbox);
      callback();
    } catch (err) {
      this.deps.logger.warn({ err }, 'inbound SMTP: recipient could not be looked up');
      callback(smtpError(451, '4.3.0 Temporary failure, try again later'));
    }
  }

  private onData(stream: Readable & { sizeExceeded?: boolean }, session: SMTPServerSession, callback: Callback): void {
    const id = session.id;
    this.busy.add(id);
    const chunks: Buffer[] = [];
    let answered = false;
    const answer = (err?: Error | null) => {
      if (answered) return;
      answered = true;
      this.busy.delete(id);
      callback(err);
      // Stopping: this was the message we waited for; now the connection goes too.
      if (this.closing) setImmediate(() => this.hangUp(id));
    };
    stream.on('data', (chunk: Buffer) => {
      // smtp-server counts while streaming and answers 552 itself once over SIZE; stop keeping it.
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    // The client went away mid-DATA: nothing is stored and there is no one to answer.
    stream.on('error', () => {
      answered = true;
      this.busy.delete(id);
    });
    stream.on('end', () => {
      if (answered) return;
      if (stream.sizeExceeded) return answer(smtpError(552, `5.3.4 Message bigger than ${this.deps.config.maxBytes} bytes`));
      const inboxes = [...(this.recipients.get(session.envelope)?.values() ?? [])];
      const raw = Buffer.concat(chunks);
      const envelope = {
        ip: session.remoteAddress,
        helo: session.hostNameAppearsAs || '',
        sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      };
      parseMail(raw, envelope, this.deps.resolver, this.mta)
        .then((mail) => this.deps.inbound.store(mail, inboxes))
        .then(
          (stored) => {
            // Who wrote to whom stays out of the log; ids, size and client are enough to trace it.
            this.deps.logger.info({ messageIds: stored.map((m) => m.id), bytes: raw.length, client: envelope.ip }, 'inbound mail stored');
            answer();
          },
          (err: unknown) => {
            if (err instanceof UnstorableMailError) return answer(smtpError(552, err.message));
            this.deps.logger.error({ err }, 'inbound SMTP: message could not be stored');
            answer(smtpError(451, '4.3.0 Temporary failure storing the message, try again later'));
          },
        );
    });
  }

  private hangUp(sessionId: string): void {
    for (const connection of this.connections()) {
      if (connection.id === sessionId) connection.send(421, '4.3.2 Shutting down, try again later');
    }
  }

  /** smtp-server keeps its open connections in `connections`; it is not in its type declarations. */
  private connections(): Array<{ id: string; send(code: number, text: string): void }> {
    return [...((this.server as unknown as { connections: Set<{ id: string; send(code: number, text: string): void }> }).connections ?? [])];
  }
}
