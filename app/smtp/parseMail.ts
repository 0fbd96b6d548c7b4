import { authenticate } from 'mailauth';
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import type { MessageAuthentication } from '../domain/email';
import type { InboundMail } from '../services/inbound';
import type { DnsResolver } from './dnsResolver';

/** What the SMTP conversation said about a mail, beside the mail itself. */
export interface Envelope {
  /** The client's IP address. */
  ip: string;
  /** What it called itself in HELO/EHLO. */
  helo: string;
  /** MAIL FROM; empty for a bounce. */
  sender: string;
}

/** A mail the server accepts over SMTP but will not store (answered 552 5.3.4). */
export class UnstorableMailError extends Error {}

// Columns are bounded (db/migrations/002_email.ts): values past these are cut or dropped here,
// so a hostile header can neither fail the insert (and make the sender retry forever) nor grow a row.
const MAX_ID = 255;
const MAX_ADDRESS = 320;
const MAX_SUBJECT = 2000;
// Address lists and the attachment list are JSON in TEXT columns (64 KB on MySQL): these bounds
// keep the longest possible list, in 4-byte characters, below that.
const MAX_ADDRESSES = 100;
const MAX_REFERENCES = 50;
export const MAX_ATTACHMENTS = 50;
const MAX_FILENAME = 150;
const MAX_CONTENT_TYPE = 100;

/** Parses a received mail (mailparser) and checks its SPF, DKIM and DMARC (mailauth). */
export async function parseMail(raw: Buffer, envelope: Envelope, resolver: DnsResolver, mta: string): Promise<InboundMail> {
  const [parsed, authentication] = await Promise.all([
    simpleParser(raw, { skipImageLinks: true }),
    verdicts(raw, envelope, resolver, mta),
  ]);
  if (parsed.attachments.length > MAX_ATTACHMENTS) throw new UnstorableMailError(`5.3.4 A message may have at most ${MAX_ATTACHMENTS} attachments`);
  const from = addresses(parsed.from)[0] ?? envelope.sender;
  return {
    from: from.slice(0, MAX_ADDRESS),
    to: addresses(parsed.to).slice(0, MAX_ADDRESSES),
    cc: addresses(parsed.cc).slice(0, MAX_ADDRESSES),
    subject: (parsed.subject ?? '').slice(0, MAX_SUBJECT),
    text: parsed.text ?? null,
    html: parsed.html || null,
    headerMessageId: messageIds(parsed.messageId)[0] ?? null,
    inReplyTo: messageIds(parsed.inReplyTo)[0] ?? null,
    references: messageIds(parsed.references).slice(-MAX_REFERENCES),
    attachments: parsed.attachments.map((a, i) => ({
      filename: (a.filename || `attachment-${i + 1}`).replace(/[\\/\p{Cc}]/gu, '_').slice(0, MAX_FILENAME),
      contentType: (a.contentType || 'application/octet-stream').toLowerCase().slice(0, MAX_CONTENT_TYPE),
      content: a.content,
    })),
    authentication,
    rawSize: raw.length,
  };
}

/** Verdicts as mailauth names them. A check that cannot finish reads `temperror`, never a lost mail. */
async function verdicts(raw: Buffer, envelope: Envelope, resolver: DnsResolver, mta: string): Promise<MessageAuthentication> {
  try {
    const result = await authenticate(raw, {
      ip: envelope.ip,
      helo: envelope.helo,
      sender: envelope.sender,
      mta,
      resolver,
      disableArc: true,
      disableBimi: true,
    });
    const dkim = result.dkim.results.map((r) => r.status.result);
    return {
      spf: result.spf ? result.spf.status.result : 'none',
      // One passing signature is enough: the others may be from forwarders.
      dkim: dkim.includes('pass') ? 'pass' : (dkim[0] ?? 'none'),
      dmarc: result.dmarc ? result.dmarc.status.result : 'none',
    };
  } catch {
    return { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror' };
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const flat = (entries: EmailAddress[]): string[] => entries.flatMap((e) => (e.group ? flat(e.group) : e.address ? [e.address] : []));
  return list.flatMap((a) => flat(a.value)).filter((a) => a.length <= MAX_ADDRESS);
}

/** Every `<id>` in a Message-ID, In-Reply-To or References value, with its angle brackets. */
function messageIds(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  const found = text.match(/<[^<>\s]+>/g) ?? [];
  return found.filter((id) => id.length <= MAX_ID);
}
