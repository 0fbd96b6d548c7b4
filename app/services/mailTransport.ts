import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface OutgoingMail {
  from: { name: string | null; address: string };
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string | null;
  html: string | null;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
  /** Our Message-ID, with angle brackets, so replies can refer to it. */
  messageId: string;
  inReplyTo: string | null;
  references: string | null;
  /** Signs the message (DKIM); null: sent unsigned (the default domain without DEFAULT_DKIM_*). */
  dkim: DkimKey | null;
}

/** A domain's DKIM signing key, as nodemailer's `dkim` option takes it. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  /** PEM. Never logged. */
  privateKey: string;
}

/** A transport failure is an expected outcome of sending, so it is a value, not an exception. */
export type SendOutcome = { ok: true } | { ok: false; error: string; rejectedByServer: boolean };

export interface MailTransport {
  readonly kind: 'smtp' | 'log';
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
}

/**
 * SMTP through nodemailer when SMTP_URL is set. Without it, a logging transport builds the same
 * MIME message, sends it nowhere, and says so in the log; the message is then marked sent.
 */
export function createMailTransport(smtpUrl: string | null, timeoutMs: number, logger: Logger): MailTransport {
  if (!smtpUrl) return new NodemailerTransport('log', nodemailer.createTransport({ streamTransport: true, buffer: true }), logger);
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    // One connection per message: a failure belongs to that message only, and nothing lingers.
    pool: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return new NodemailerTransport('smtp', transporter, logger);
}

class NodemailerTransport implements MailTransport {
  constructor(
    readonly kind: 'smtp' | 'log',
    private readonly transporter: Transporter,
    private readonly logger: Logger,
  ) {}

  async send(mail: OutgoingMail): Promise<SendOutcome> {
    try {
      const info = await this.transporter.sendMail({
        from: mail.from.name ? { name: mail.from.name, address: mail.from.address } : mail.from.address,
        to: mail.to,
        cc: mail.cc,
        bcc: mail.bcc,
        subject: mail.subject,
        ...(mail.text !== null ? { text: mail.text } : {}),
        ...(mail.html !== null ? { html: mail.html } : {}),
        attachments: mail.attachments,
        messageId: mail.messageId,
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references ? { references: mail.references } : {}),
        ...(mail.dkim ? { dkim: mail.dkim } : {}),
      });
      if (this.kind === 'log') {
        const size = Buffer.isBuffer(info.message) ? info.message.length : undefined;
        this.logger.info(
          { messageId: mail.messageId, recipients: mail.to.length + mail.cc.length + mail.bcc.length, bytes: size },
          'logging transport: SMTP_URL is not set, so this message was not sent to anyone; it is marked sent',
        );
      }
      return { ok: true };
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      this.logger.warn({ messageId: mail.messageId, err: { message: e.message, responseCode: e.responseCode } }, 'mail transport failed');
      return { ok: false, error: e.message || 'mail transport failed', rejectedByServer: (e.responseCode ?? 0) >= 500 };
    }
  }

  close(): void {
    this.transporter.close();
  }
}
