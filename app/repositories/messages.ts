import type { Knex } from 'knex';
import type { Message, MessageFilter, MessageStatus } from '../domain/email';
import type { Page } from '../domain/types';
import { containsPattern, LIKE_ESCAPE } from '../lib/like';
import { paginate, type Db } from './db';
import { messageToRow, toMessage, type MessageRow } from './emailRows';

// Columns a plain-text search looks in. Case-insensitive through the utf8mb4_unicode_ci
// collation on MySQL and LIKE's ASCII case folding on SQLite.
const SEARCHED = ['subject', 'text_body', 'from_address', 'to_addresses'] as const;
// A thread's GET returns its messages inline; past this many, the oldest are left out.
export const THREAD_MESSAGE_CAP = 500;

export class MessageRepository {
  constructor(private readonly knex: Knex) {}

  async insert(message: Message, db: Db = this.knex): Promise<void> {
    await db<MessageRow>('messages').insert(messageToRow(message));
  }

  async setOutcome(id: string, outcome: { status: MessageStatus; error: string | null; sentAt: number | null }, now: number): Promise<void> {
    await this.knex<MessageRow>('messages')
      .where({ id })
      .update({ status: outcome.status, error: outcome.error, sent_at: outcome.sentAt, updated_at: now });
  }

  async findForInbox(orgId: string, inboxId: string, id: string): Promise<Message | null> {
    const row = await this.knex<MessageRow>('messages').where({ id, inbox_id: inboxId, organization_id: orgId }).first();
    return row ? toMessage(row) : null;
  }

  async listForInbox(orgId: string, inboxId: string, page: Page, { query, direction }: MessageFilter = {}): Promise<Message[]> {
    const q = this.knex<MessageRow>('messages').where({ inbox_id: inboxId, organization_id: orgId });
    if (direction) q.andWhere({ direction });
    if (query) {
      const pattern = containsPattern(query);
      q.andWhere((w) => {
        for (const column of SEARCHED) w.orWhereRaw('?? like ? escape ?', [column, pattern, LIKE_ESCAPE]);
      });
    }
    const rows = (await paginate(q, page)) as MessageRow[];
    return rows.map(toMessage);
  }

  /**
   * The thread of the newest message of this inbox whose Message-ID is one of `headerIds` (the
   * In-Reply-To and References of a received mail), or null.
   */
  async threadOfAny(inboxId: string, headerIds: string[], db: Db = this.knex): Promise<string | null> {
    if (headerIds.length === 0) return null;
    const row = await db<MessageRow>('messages')
      .where({ inbox_id: inboxId })
      .whereIn('header_message_id', headerIds)
      .orderBy('id', 'desc')
      .first('thread_id');
    return row?.thread_id ?? null;
  }

  /** True when this inbox already received a mail with this Message-ID. */
  async receivedBefore(inboxId: string, headerMessageId: string, db: Db = this.knex): Promise<boolean> {
    const row = await db<MessageRow>('messages').where({ inbox_id: inboxId, header_message_id: headerMessageId, direction: 'inbound' }).first('id');
    return row !== undefined;
  }

  /** Bytes of received mail an organization keeps (the INBOUND_ORG_MAX_BYTES bound). */
  async inboundBytes(orgId: string): Promise<number> {
    const row = (await this.knex<MessageRow>('messages').where({ organization_id: orgId, direction: 'inbound' }).sum({ total: 'raw_size' }).first()) as
      | { total: number | string | null }
      | undefined;
    return Number(row?.total ?? 0);
  }

  /** A thread's messages, oldest first (the order of the conversation). */
  async listForThread(threadId: string): Promise<Message[]> {
    const rows = await this.knex<MessageRow>('messages').where({ thread_id: threadId }).orderBy('id', 'desc').limit(THREAD_MESSAGE_CAP);
    return rows.reverse().map(toMessage);
  }

  /** Message ids per thread, oldest first, for thread lists. */
  async idsByThread(threadIds: string[]): Promise<Map<string, string[]>> {
    const byThread = new Map<string, string[]>(threadIds.map((id) => [id, []]));
    if (threadIds.length === 0) return byThread;
    const rows = await this.knex<MessageRow>('messages').whereIn('thread_id', threadIds).orderBy('id', 'asc').select('id', 'thread_id');
    for (const row of rows) byThread.get(row.thread_id)?.push(row.id);
    return byThread;
  }
}
