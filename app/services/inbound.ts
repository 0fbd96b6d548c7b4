import type { Knex } from 'knex';
import type { Inbox, Message, MessageAuthentication, Thread } from '../domain/email';
import { newId } from '../lib/ids';
import type { AttachmentRepository } from '../repositories/attachments';
import type { InboxRepository } from '../repositories/inboxes';
import type { MessageRepository } from '../repositories/messages';
import type { ThreadRepository } from '../repositories/threads';
import type { AddressOwnership } from './addressOwnership';
import type { EventPublisher } from './events';
import type { Attachment } from './messages';

/** A received mail, parsed and authenticated (app/smtp/parseMail.ts), not yet stored. */
export interface InboundMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string | null;
  html: string | null;
  /** The Message-ID header with angle brackets, or null when the mail had none. */
  headerMessageId: string | null;
  inReplyTo: string | null;
  /** Message-IDs of the References header, oldest first. */
  references: string[];
  attachments: Attachment[];
  authentication: MessageAuthentication;
  /** Bytes as received over SMTP. */
  rawSize: number;
}

/**
 * Storing received mail: which inbox an address is (RCPT TO), whether an organization may keep
 * more, and one stored message per recipient inbox, each in the thread its In-Reply-To or
 * References names (in that inbox), or in a new one; a Message-ID the inbox already received is
 * not stored again. All of one mail's copies are stored in one
 * transaction: the SMTP answer covers them all, and a 451 must not leave some behind to be
 * duplicated by the sender's retry.
 */
export class InboundMailService {
  constructor(
    private readonly deps: {
      knex: Knex;
      inboxes: InboxRepository;
      ownership: AddressOwnership;
      messages: MessageRepository;
      threads: ThreadRepository;
      attachments: AttachmentRepository;
      events: EventPublisher;
      orgMaxBytes: number;
    },
  ) {}

  /**
   * The inbox an SMTP recipient names (case-insensitively), or null: also when the inbox's domain
   * is not (or no longer) verified by its organization, which then reads as an unknown mailbox.
   */
  async recipient(address: string): Promise<Inbox | null> {
    const inbox = await this.deps.inboxes.findByEmail(address);
    return inbox && (await this.deps.ownership.receives(inbox)) ? inbox : null;
  }

  /** True once the organization keeps INBOUND_ORG_MAX_BYTES of received mail or more. */
  async storageFull(organizationId: string): Promise<boolean> {
    return (await this.deps.messages.inboundBytes(organizationId)) >= this.deps.orgMaxBytes;
  }

  async store(mail: InboundMail, inboxes: Inbox[]): Promise<Message[]> {
    const { knex, messages, threads, attachments, events } = this.deps;
    const stored: Message[] = [];
    await knex.transaction(async (trx) => {
      for (const inbox of inboxes) {
        // A sender that lost our 250 (the connection dropped after the commit) sends the mail
        // again; so do lists that reach one inbox twice. One copy per inbox and Message-ID.
        if (mail.headerMessageId && (await messages.receivedBefore(inbox.id, mail.headerMessageId, trx))) continue;
        const now = Date.now();
        const known = await messages.threadOfAny(inbox.id, [mail.inReplyTo, ...mail.references].filter((v): v is string => Boolean(v)), trx);
        let threadId = known;
        if (known) await threads.touch(known, now, trx);
        else {
          const thread: Thread = { id: newId(now), organizationId: inbox.organizationId, inboxId: inbox.id, subject: mail.subject, createdAt: now, updatedAt: now };
          await threads.insert(thread, trx);
          threadId = thread.id;
        }
        const message = toMessage(mail, inbox, threadId!, now);
        await messages.insert(message, trx);
        await attachments.insertMany(message.id, inbox.organizationId, mail.attachments.map((a) => a.content), trx);
        stored.push(message);
      }
    });
    for (const message of stored) events.emit(message.organizationId, { event: 'message.received', message });
    return stored;
  }
}

function toMessage(mail: InboundMail, inbox: Inbox, threadId: string, now: number): Message {
  const id = newId(now);
  return {
    id,
    organizationId: inbox.organizationId,
    inboxId: inbox.id,
    threadId,
    direction: 'inbound',
    status: 'received',
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    // Whoever was Bcc'd is in no header; the inbox itself may be one of them.
    bcc: [],
    labels: [],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments.map((a) => ({ name: a.filename, contentType: a.contentType, size: a.content.length })),
    // A mail without a Message-ID still needs one for replies to refer to.
    headerMessageId: mail.headerMessageId ?? `<${id}@inbound.sendook>`,
    inReplyTo: mail.inReplyTo,
    references: mail.references.length ? mail.references.join(' ') : null,
    error: null,
    sentAt: null,
    receivedAt: now,
    authentication: mail.authentication,
    rawSize: mail.rawSize,
    createdAt: now,
    updatedAt: now,
  };
}
