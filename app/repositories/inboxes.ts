import type { Knex } from 'knex';
import type { Inbox } from '../domain/email';
import type { Page } from '../domain/types';
import { paginate, type Db } from './db';
import { toInbox, type InboxRow } from './emailRows';

export class InboxRepository {
  constructor(private readonly knex: Knex) {}

  /** Throws a unique violation when the address (case-insensitively) is taken. */
  async insert(inbox: Inbox, db: Db = this.knex): Promise<void> {
    await db<InboxRow>('inboxes').insert({
      id: inbox.id,
      organization_id: inbox.organizationId,
      name: inbox.name,
      email: inbox.email,
      email_lower: inbox.email.toLowerCase(),
      created_at: inbox.createdAt,
      updated_at: inbox.updatedAt,
    });
  }

  async emailTaken(email: string, db: Db = this.knex): Promise<boolean> {
    const row = await db<InboxRow>('inboxes').where({ email_lower: email.toLowerCase() }).first('id');
    return row !== undefined;
  }

  /** The inbox with this address, compared case-insensitively, whatever its organization (SMTP RCPT TO). */
  async findByEmail(email: string): Promise<Inbox | null> {
    const row = await this.knex<InboxRow>('inboxes').where({ email_lower: email.toLowerCase() }).first();
    return row ? toInbox(row) : null;
  }

  /** Another organization's inbox reads as absent. */
  async findForOrg(orgId: string, id: string): Promise<Inbox | null> {
    const row = await this.knex<InboxRow>('inboxes').where({ id, organization_id: orgId }).first();
    return row ? toInbox(row) : null;
  }

  async listForOrg(orgId: string, page: Page, only: readonly string[] | null = null): Promise<Inbox[]> {
    const query = this.knex<InboxRow>('inboxes').where({ organization_id: orgId });
    if (only !== null) query.whereIn('id', [...only]);
    const rows = (await paginate(query, page)) as InboxRow[];
    return rows.map(toInbox);
  }

  async rename(id: string, name: string | null, now: number): Promise<void> {
    await this.knex<InboxRow>('inboxes').where({ id }).update({ name, updated_at: now });
  }

  /** Its threads and messages go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.knex<InboxRow>('inboxes').where({ id }).delete();
  }
}
