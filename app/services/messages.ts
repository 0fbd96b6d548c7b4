import type { Knex } from 'knex';
import type { Inbox, Message, MessageFilter, Thread } from '../domain/email';
import type { Page } from '../domain/types';
import { ApiError } from '../errors';
import { domainOf } from '../lib/addresses';
import { newId } from '../lib/ids';
import type { AttachmentRepository } from '../repositories/attachments';
import type { MessageRepository } from '../repositories/messages';
import type { ThreadRepository } from '../repositories/threads';
import type { AddressOwnership } from './addressOwnership';
import type { EventPublisher } from './events';
import type { InboxService } from './inboxes';
import type { DkimKey, MailTransport, OutgoingMail } from './mailTransport';

export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** A send request after validation (routes/messages/schemas.ts): the message's own fields. */
export type NewMessage = Pick<Message, 'to' | 'cc' | 'bcc' | 'labels' | 'subject' | 'text' | 'html'> & { attachments: Attachment[] };

export interface ReplyBody {
  text: string | null;
  html: string | null;
}

/** Everything a send needs, checked against the database but not yet stored or charged. */
export interface Draft {
  message: Message;
  newThread: Thread | null;
  attachments: Attachment[];
  fromName: string | null;
  /** The key the mail is signed with (AddressOwnership.signingKey). */
  dkim: DkimKey | null;
}

/**
 * Sending in two steps so the route can charge the send budget in between: `draft*` validates
 * against the database (inbox, original message, that the inbox's domain may send and its signing
 * key is usable) and writes nothing; `dispatch` stores the
 * message (and its new thread) in one transaction, hands it to the transport and records the
 * outcome. A transport failure leaves the message stored as `failed`, never a thread without it.
 */
export class MessageService {
  constructor(
    private readonly deps: {
      knex: Knex;
      messages: MessageRepository;
      threads: ThreadRepository;
      attachments: AttachmentRepository;
      inboxes: InboxService;
      ownership: AddressOwnership;
      transport: MailTransport;
      events: EventPublisher;
    },
  ) {}

  async draftNew(organizationId: string, inboxId: string, input: NewMessage): Promise<Draft> {
    const inbox = await this.deps.inboxes.get(organizationId, inboxId);
    const dkim = await this.deps.ownership.signingKey(inbox);
    const now = Date.now();
    const thread: Thread = { id: newId(now), organizationId, inboxId, subject: input.subject, createdAt: now, updatedAt: now };
    const message = this.outbound(inbox, thread.id, now, { ...input, inReplyTo: null, references: null });
    return { message, newThread: thread, attachments: input.attachments, fromName: inbox.name, dkim };
  }

  async draftReply(organizationId: string, inboxId: string, originalId: string, body: ReplyBody): Promise<Draft> {
    const inbox = await this.deps.inboxes.get(organizationId, inboxId);
    const original = await this.get(organizationId, inboxId, originalId);
    const dkim = await this.deps.ownership.signingKey(inbox);
    // The other party: whoever wrote an incoming message, or everyone an outgoing one went to
    // (but not its Bcc recipients, whom the other recipients were not meant to see).
    const incoming = original.direction === 'inbound';
    const message = this.outbound(inbox, original.threadId, Date.now(), {
      to: incoming ? [original.from] : original.to,
      cc: incoming ? [] : original.cc,
      bcc: [],
      labels: [],
      subject: /^re:/i.test(original.subject.trim()) ? original.subject : `Re: ${original.subject}`,
      ...body,
      attachments: [],
      inReplyTo: original.headerMessageId,
      references: replyReferences(original.references, original.headerMessageId),
    });
    return { message, newThread: null, attachments: [], fromName: inbox.name, dkim };
  }

  async dispatch({ message, newThread, attachments, fromName, dkim }: Draft): Promise<Message> {
    const { knex, threads, messages, transport, events } = this.deps;
    await knex.transaction(async (trx) => {
      if (newThread) await threads.insert(newThread, trx);
      else await threads.touch(message.threadId, message.createdAt, trx);
      await messages.insert(message, trx);
    });
    const outcome = await transport.send(toMail(message, fromName, attachments, dkim));
    const now = Date.now();
    if (outcome.ok) {
      const sent: Message = { ...message, status: 'sent', sentAt: now, updatedAt: now };
      await messages.setOutcome(message.id, { status: 'sent', error: null, sentAt: now }, now);
      events.emit(message.organizationId, { event: 'message.sent', message: sent });
      return sent;
    }
    const failed: Message = { ...message, status: 'failed', error: outcome.error, updatedAt: now };
    await messages.setOutcome(message.id, { status: 'failed', error: outcome.error, sentAt: null }, now);
    if (outcome.rejectedByServer) events.emit(message.organizationId, { event: 'message.rejected', message: failed });
    // The mail server's own words stay with the stored message and the transport's warn line: a
    // 5xx answers only the catalogue's fixed message (it could name internal hosts or software).
    throw new ApiError('send_failed');
  }

  async list(organizationId: string, inboxId: string, page: Page, filter: MessageFilter = {}): Promise<Message[]> {
    await this.deps.inboxes.get(organizationId, inboxId);
    return this.deps.messages.listForInbox(organizationId, inboxId, page, filter);
  }

  async get(organizationId: string, inboxId: string, id: string): Promise<Message> {
    const message = await this.deps.messages.findForInbox(organizationId, inboxId, id);
    if (!message) throw new ApiError('not_found', 'No message with this id in this inbox.');
    return message;
  }

  /** A received message's attachment by its position in `attachments` (sent mail keeps none). */
  async attachment(organizationId: string, inboxId: string, messageId: string, index: number): Promise<{ name: string; contentType: string; content: Buffer }> {
    const message = await this.get(organizationId, inboxId, messageId);
    const info = message.attachments[index];
    const content = info && message.direction === 'inbound' ? await this.deps.attachments.content(organizationId, message.id, index) : null;
    if (!info || !content) throw new ApiError('not_found', 'No attachment content at this index of this message.');
    return { name: info.name, contentType: info.contentType, content };
  }

  private outbound(
    inbox: Inbox,
    threadId: string,
    now: number,
    fields: Omit<NewMessage, 'attachments'> & { attachments: Attachment[]; inReplyTo: string | null; references: string | null },
  ): Message {
    const id = newId(now);
    return {
      id,
      organizationId: inbox.organizationId,
      inboxId: inbox.id,
      threadId,
      direction: 'outbound',
      status: 'sending',
      from: inbox.email,
      to: fields.to,
      cc: fields.cc,
      bcc: fields.bcc,
      labels: fields.labels,
      subject: fields.subject,
      text: fields.text,
      html: fields.html,
      attachments: fields.attachments.map((a) => ({ name: a.filename, contentType: a.contentType, size: a.content.length })),
      headerMessageId: `<${id}@${domainOf(inbox.email)}>`,
      inReplyTo: fields.inReplyTo,
      references: fields.references || null,
      error: null,
      sentAt: null,
      receivedAt: null,
      authentication: null,
      rawSize: 0,
      createdAt: now,
      updatedAt: now,
    };
  }
}

/** Message-IDs kept in a reply's References: the thread's first and the latest ones. */
const MAX_REFERENCES = 20;

/**
 * The References of a reply: the original's plus the original's own id. A long thread would grow
 * it by one id per reply without end (past its column and what mail servers accept in a header),
 * so it keeps the first id (the thread root) and the latest ones, as RFC 5322 §3.6.4 allows.
 */
export function replyReferences(originalReferences: string | null, originalMessageId: string): string {
  const ids = [...(originalReferences ?? '').split(/\s+/).filter(Boolean), originalMessageId];
  if (ids.length <= MAX_REFERENCES) return ids.join(' ');
  return [ids[0], ...ids.slice(ids.length - (MAX_REFERENCES - 1))].join(' ');
}

function toMail(m: Message, fromName: string | null, attachments: Attachment[], dkim: DkimKey | null): OutgoingMail {
  return {
    from: { name: fromName, address: m.from },
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments,
    messageId: m.headerMessageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    dkim,
  };
}
