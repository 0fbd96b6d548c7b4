import type { Inbox, Message, Thread, Webhook, WebhookAttempt } from '../domain/email';
import { iso } from './serializers';

// Wire shapes of the email resources (docs/api.md, docs/email.md). Webhook payloads use the same
// shapes, so a receiver sees exactly what the API would answer.


/** An inbox created without a name has no `name` key at all (as Sendook answers). */
export function serializeInbox(inbox: Inbox) {
  return {
    _id: inbox.id,
    id: inbox.id,
    organizationId: inbox.organizationId,
    ...(inbox.name === null ? {} : { name: inbox.name }),
    email: inbox.email,
    createdAt: iso(inbox.createdAt),
    updatedAt: iso(inbox.updatedAt),
  };
}

export function serializeMessage(m: Message) {
  return {
    _id: m.id,
    id: m.id,
    organizationId: m.organizationId,
    inboxId: m.inboxId,
    threadId: m.threadId,
    direction: m.direction,
    status: m.status,
    from: m.from,
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    labels: m.labels,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: m.attachments,
    messageId: m.headerMessageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    error: m.error,
    sentAt: iso(m.sentAt),
    // Null on sent mail, so received and sent messages have one shape.
    receivedAt: iso(m.receivedAt),
    authentication: m.authentication,
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
  };
}

/** In lists `messages` holds ids; GET of one thread passes the full message objects. */
export function serializeThread(thread: Thread, messages: string[] | Message[]) {
  return {
    _id: thread.id,
    id: thread.id,
    organizationId: thread.organizationId,
    inboxId: thread.inboxId,
    subject: thread.subject,
    messages: messages.map((m) => (typeof m === 'string' ? m : serializeMessage(m))),
    createdAt: iso(thread.createdAt),
    updatedAt: iso(thread.updatedAt),
  };
}

/** Never includes the secret; it is added only to the creation response. */
export function serializeWebhook(webhook: Webhook) {
  return {
    _id: webhook.id,
    id: webhook.id,
    organizationId: webhook.organizationId,
    url: webhook.url,
    events: webhook.events,
    createdAt: iso(webhook.createdAt),
    updatedAt: iso(webhook.updatedAt),
  };
}

export function serializeWebhookAttempt(a: WebhookAttempt) {
  return {
    _id: a.id,
    id: a.id,
    organizationId: a.organizationId,
    webhookId: a.webhookId,
    eventId: a.eventId,
    event: a.event,
    inboxId: a.inboxId,
    messageId: a.messageId,
    attempt: a.attempt,
    success: a.success,
    // The target's HTTP status, or null when no response came.
    status: a.statusCode,
    durationMs: a.durationMs,
    error: a.error,
    // The earliest time of the next try; null once delivered or given up.
    nextAttemptAt: a.nextAttemptAt === null ? null : iso(a.nextAttemptAt),
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.createdAt),
  };
}
