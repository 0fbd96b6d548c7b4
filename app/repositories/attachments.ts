import type { Knex } from 'knex';
import type { Db } from './db';

interface AttachmentRow {
  message_id: string;
  position: number;
  organization_id: string;
  content: Buffer;
}

/**
 * Contents of received mail's attachments (sent mail's are handed to the mail server and not
 * kept). Name, type and size live in the message's `attachments` list; a content is found by the
 * message and its position in that list.
 */
export class AttachmentRepository {
  constructor(private readonly knex: Knex) {}

  async insertMany(messageId: string, organizationId: string, contents: Buffer[], db: Db = this.knex): Promise<void> {
    if (contents.length === 0) return;
    const rows: AttachmentRow[] = contents.map((content, position) => ({ message_id: messageId, position, organization_id: organizationId, content }));
    // One insert per attachment: a single multi-row insert of several large blobs could pass
    // MySQL's max_allowed_packet where each alone does not.
    for (const row of rows) await db<AttachmentRow>('message_attachments').insert(row);
  }

  async content(organizationId: string, messageId: string, position: number): Promise<Buffer | null> {
    const row = await this.knex<AttachmentRow>('message_attachments')
      .where({ message_id: messageId, position, organization_id: organizationId })
      .first('content');
    return row ? Buffer.from(row.content) : null;
  }
}
