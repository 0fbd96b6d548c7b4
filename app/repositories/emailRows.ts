import type { Inbox, Message, MessageStatus, Thread, Webhook, WebhookAttempt, WebhookEvent, DeliveredEvent } from '../domain/email';

// Row shapes of the email tables (db/migrations/002_email.ts) and their mapping to records.
// JSON columns are TEXT on both databases, parsed here and nowhere else.

export interface InboxRow {
  id: string;
  organization_id: string;
  name: string | null;
  email: string;
  email_lower: string;
  created_at: number;
  updated_at: number;
}

export interface ThreadRow {
  id: string;
  organization_id: string;
  inbox_id: string;
  subject: string;
  created_at: number;
  updated_at: number;
}

export interface MessageRow {
  id: string;
  organization_id: string;
  inbox_id: string;
  thread_id: string;
  direction: string;
  status: string;
  from_address: string;
  to_addresses: string;
  cc_addresses: string;
  bcc_addresses: string;
  labels: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  attachments: string;
  header_message_id: string;
  in_reply_to: string | null;
  references_header: string | null;
  error: string | null;
  sent_at: number | null;
  received_at: number | null;
  authentication: string | null;
  raw_size: number;
  created_at: number;
  updated_at: number;
}

export interface WebhookRow {
  id: string;
  organization_id: string;
  url: string;
  events: string;
  secret: string;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptRow {
  id: string;
  organization_id: string;
  webhook_id: string;
  event_id: string;
  event: string;
  inbox_id: string | null;
  message_id: string | null;
  attempt: number;
  success: number | boolean;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: number;
  next_attempt_at: number | string | null;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toInbox(r: InboxRow): Inbox {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    email: r.email,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toThread(r: ThreadRow): Thread {
  return {
    id: r.id,
    organizationId: r.organization_id,
    inboxId: r.inbox_id,
    subject: r.subject,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function messageToRow(m: Message): MessageRow {
  return {
    id: m.id,
    organization_id: m.organizationId,
    inbox_id: m.inboxId,
    thread_id: m.threadId,
    direction: m.direction,
    status: m.status,
    from_address: m.from,
    to_addresses: JSON.stringify(m.to),
    cc_addresses: JSON.stringify(m.cc),
    bcc_addresses: JSON.stringify(m.bcc),
    labels: JSON.stringify(m.labels),
    subject: m.subject,
    text_body: m.text,
    html_body: m.html,
    attachments: JSON.stringify(m.attachments),
    header_message_id: m.headerMessageId,
    in_reply_to: m.inReplyTo,
    references_header: m.references,
    error: m.error,
    sent_at: m.sentAt,
    received_at: m.receivedAt,
    authentication: m.authentication && JSON.stringify(m.authentication),
    raw_size: m.rawSize,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

export function toMessage(r: MessageRow): Message {
  return {
    id: r.id,
    organizationId: r.organization_id,
    inboxId: r.inbox_id,
    threadId: r.thread_id,
    direction: r.direction as Message['direction'],
    status: r.status as MessageStatus,
    from: r.from_address,
    to: JSON.parse(r.to_addresses) as string[],
    cc: JSON.parse(r.cc_addresses) as string[],
    bcc: JSON.parse(r.bcc_addresses) as string[],
    labels: JSON.parse(r.labels) as string[],
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    attachments: JSON.parse(r.attachments) as Message['attachments'],
    headerMessageId: r.header_message_id,
    inReplyTo: r.in_reply_to,
    references: r.references_header,
    error: r.error,
    sentAt: num(r.sent_at),
    receivedAt: num(r.received_at),
    authentication: r.authentication === null ? null : (JSON.parse(r.authentication) as Message['authentication']),
    rawSize: Number(r.raw_size),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.id,
    organizationId: r.organization_id,
    url: r.url,
    events: JSON.parse(r.events) as WebhookEvent[],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toWebhookAttempt(r: WebhookAttemptRow): WebhookAttempt {
  return {
    id: r.id,
    organizationId: r.organization_id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    event: r.event as DeliveredEvent,
    inboxId: r.inbox_id,
    messageId: r.message_id,
    attempt: Number(r.attempt),
    success: Boolean(r.success),
    statusCode: num(r.status_code),
    durationMs: Number(r.duration_ms),
    error: r.error,
    createdAt: Number(r.created_at),
    nextAttemptAt: num(r.next_attempt_at),
  };
}
