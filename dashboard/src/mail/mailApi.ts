// The organization's inboxes, messages and threads, through /organizations/:orgId/inboxes with
// the user's access token (the same routers as /v1/inboxes, docs/email.md).
import { call, callBlob, orgPath, type Inbox } from '../api';

export interface InboxRecord extends Inbox {
  organizationId: string;
  createdAt: string;
  updatedAt: string;
}

export interface AttachmentInfo {
  name: string;
  contentType: string;
  size: number;
}

export type MessageStatus = 'sending' | 'sent' | 'failed' | 'delivered' | 'bounced' | 'complained' | 'rejected' | 'received';

/** Received (`inbound`) or sent (`outbound`). */
export type Direction = 'outbound' | 'inbound';

export interface Message {
  id: string;
  inboxId: string;
  threadId: string;
  direction: Direction;
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
  error: string | null;
  sentAt: string | null;
  receivedAt: string | null;
  /** Received mail only: SPF, DKIM and DMARC verdicts as mailauth names them. */
  authentication: { spf: string; dkim: string; dmarc: string } | null;
  createdAt: string;
  updatedAt: string;
}

export interface ThreadSummary {
  id: string;
  inboxId: string;
  subject: string;
  /** Message ids, in a list of threads. */
  messages: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Thread extends Omit<ThreadSummary, 'messages'> {
  messages: Message[];
}

export interface OutgoingAttachment {
  /** Base64 of the file's bytes. */
  content: string;
  name: string;
  contentType?: string;
}

export interface NewMessageBody {
  to: string[];
  cc: string[];
  bcc: string[];
  labels: string[];
  subject: string;
  text?: string;
  html?: string;
  attachments: OutgoingAttachment[];
}

/** The page size of mail lists; a full page means there may be more. */
export const MAIL_PAGE = 50;

const inboxPath = (orgId: string, inboxId: string) => `${orgPath(orgId)}/inboxes/${encodeURIComponent(inboxId)}`;
const messagePath = (orgId: string, inboxId: string, messageId: string) =>
  `${inboxPath(orgId, inboxId)}/messages/${encodeURIComponent(messageId)}`;

function page(params: { query?: string; direction?: Direction; before?: string; limit?: number }): string {
  const q = new URLSearchParams({ limit: String(params.limit ?? MAIL_PAGE) });
  if (params.query) q.set('query', params.query);
  if (params.direction) q.set('direction', params.direction);
  if (params.before) q.set('before', params.before);
  return q.toString();
}

export const mailApi = {
  /** Every inbox of the organization, newest first (the API pages by 100). */
  async listInboxes(token: string, orgId: string): Promise<InboxRecord[]> {
    const all: InboxRecord[] = [];
    for (;;) {
      const before = all.length ? `&before=${encodeURIComponent(all[all.length - 1]!.id)}` : '';
      const batch = await call<InboxRecord[]>('GET', `${orgPath(orgId)}/inboxes?limit=100${before}`, token);
      all.push(...batch);
      if (batch.length < 100) return all;
    }
  },
  getInbox: (token: string, orgId: string, inboxId: string) => call<InboxRecord>('GET', inboxPath(orgId, inboxId), token),
  createInbox: (token: string, orgId: string, body: { name?: string; email?: string }) =>
    call<InboxRecord>('POST', `${orgPath(orgId)}/inboxes`, token, body),
  renameInbox: (token: string, orgId: string, inboxId: string, name: string | null) =>
    call<InboxRecord>('PATCH', inboxPath(orgId, inboxId), token, { name }),
  deleteInbox: (token: string, orgId: string, inboxId: string) => call<InboxRecord>('DELETE', inboxPath(orgId, inboxId), token),

  listMessages: (token: string, orgId: string, inboxId: string, q: { query?: string; direction?: Direction; before?: string; limit?: number }) =>
    call<Message[]>('GET', `${inboxPath(orgId, inboxId)}/messages?${page(q)}`, token),
  getMessage: (token: string, orgId: string, inboxId: string, messageId: string) =>
    call<Message>('GET', messagePath(orgId, inboxId, messageId), token),
  send: (token: string, orgId: string, inboxId: string, body: NewMessageBody) =>
    call<Message>('POST', `${inboxPath(orgId, inboxId)}/messages/send`, token, body),
  reply: (token: string, orgId: string, inboxId: string, messageId: string, body: { text?: string; html?: string }) =>
    call<Message>('POST', `${messagePath(orgId, inboxId, messageId)}/reply`, token, body),
  attachment: (token: string, orgId: string, inboxId: string, messageId: string, index: number) =>
    callBlob(`${messagePath(orgId, inboxId, messageId)}/attachments/${index}`, token),

  listThreads: (token: string, orgId: string, inboxId: string, q: { before?: string }) =>
    call<ThreadSummary[]>('GET', `${inboxPath(orgId, inboxId)}/threads?${page(q)}`, token),
  getThread: (token: string, orgId: string, inboxId: string, threadId: string) =>
    call<Thread>('GET', `${inboxPath(orgId, inboxId)}/threads/${encodeURIComponent(threadId)}`, token),
};
