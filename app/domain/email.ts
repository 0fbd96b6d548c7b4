// Records of the email resources (docs/email.md). Times are epoch milliseconds, as in
// domain/types.ts; they become ISO 8601 only in the serializers.

export interface Inbox {
  id: string;
  organizationId: string;
  /** null: created without a name (the serialized object then has no `name`). */
  name: string | null;
  email: string;
  createdAt: number;
  updatedAt: number;
}

export interface Thread {
  id: string;
  organizationId: string;
  inboxId: string;
  subject: string;
  createdAt: number;
  /** Moves with every message added to the thread. */
  updatedAt: number;
}

/** Sent mail: `sending` until the transport answers; then `sent` or `failed`. Received mail: `received`. */
export type MessageStatus = 'sending' | 'sent' | 'failed' | 'delivered' | 'bounced' | 'complained' | 'rejected' | 'received';

/** SPF, DKIM and DMARC verdicts of a received message, as mailauth names them (`pass`, `fail`, `none`, `temperror`, ...). */
export interface MessageAuthentication {
  spf: string;
  dkim: string;
  dmarc: string;
}

export interface AttachmentInfo {
  name: string;
  contentType: string;
  size: number;
}

export interface Message {
  id: string;
  organizationId: string;
  inboxId: string;
  threadId: string;
  direction: 'outbound' | 'inbound';
  status: MessageStatus;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  labels: string[];
  subject: string;
  text: string | null;
  html: string | null;
  attachments: AttachmentInfo[];
  /** The RFC 5322 Message-ID header, with angle brackets. */
  headerMessageId: string;
  inReplyTo: string | null;
  references: string | null;
  error: string | null;
  sentAt: number | null;
  /** Received mail only: when the SMTP server stored it. */
  receivedAt: number | null;
  /** Received mail only. */
  authentication: MessageAuthentication | null;
  /** Bytes of the message as received over SMTP; 0 for sent mail. */
  rawSize: number;
  createdAt: number;
  updatedAt: number;
}

export const WEBHOOK_EVENTS = [
  'inbox.created',
  'inbox.updated',
  'inbox.deleted',
  'message.sent',
  'message.received',
  'message.delivered',
  'message.bounced',
  'message.complained',
  'message.rejected',
  // Usage alerts (docs/usage.md#alerts-webhook-events).
  'api_key.new_client',
  'api_key.rejected',
  'organization.rate_limited',
  // Custom domains (docs/email.md#your-own-domain).
  'domain.verified',
  'domain.unverified',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Delivered only by POST /webhooks/:id/test, to that webhook; not subscribable. */
export type DeliveredEvent = WebhookEvent | 'webhook.test';

export interface Webhook {
  id: string;
  organizationId: string;
  url: string;
  events: WebhookEvent[];
  createdAt: number;
  updatedAt: number;
}

/** What a message list may be narrowed to: a plain-text search, and sent or received mail only. */
export interface MessageFilter {
  query?: string;
  direction?: Message['direction'];
}

export interface WebhookAttempt {
  id: string;
  organizationId: string;
  webhookId: string;
  eventId: string;
  event: DeliveredEvent;
  inboxId: string | null;
  messageId: string | null;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  success: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  createdAt: number;
  /** When the queue tries again (not before); null when delivered or not retried. */
  nextAttemptAt: number | null;
}
