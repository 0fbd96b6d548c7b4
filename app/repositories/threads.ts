import type { Knex } from 'knex';
import type { Thread } from '../domain/email';
import type { Page } from '../domain/types';
import { paginate, type Db } from './db';
import { toThread, type ThreadRow } from './emailRows';

export class ThreadRepository {
  constructor(private readonly knex: Knex) {}

  async insert(thread: Thread, db: Db = this.knex): Promise<void> {
    await db<ThreadRow>('threads').insert({
      id: thread.id,
      organization_id: thread.organizationId,
      inbox_id: thread.inboxId,
      subject: thread.subject,
      created_at: thread.createdAt,
      updated_at: thread.updatedAt,
    });
  }

  async touch(id: string, now: number, db: Db = this.knex): Promise<void> {
    await db<ThreadRow>('threads').where({ id }).update({ updated_at: now });
  }

  /** A thread of this inbox and organization; anything else reads as absent. */
  async findForInbox(orgId: string, inboxId: string, id: string): Promise<Thread | null> {
    const row = await this.knex<ThreadRow>('threads').where({ id, inbox_id: inboxId, organization_id: orgId }).first();
    return row ? toThread(row) : null;
  }

  async listForInbox(orgId: string, inboxId: string, page: Page): Promise<Thread[]> {
    const query = this.knex<ThreadRow>('threads').where({ inbox_id: inboxId, organization_id: orgId });
    const rows = (await paginate(query, page)) as ThreadRow[];
    return rows.map(toThread);
  }
}
