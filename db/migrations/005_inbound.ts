import type { Knex } from 'knex';

// Receiving mail (docs/email.md, "Receiving mail"): inbound messages keep when they arrived, the
// SPF/DKIM/DMARC verdicts and their raw size (an organization's stored inbound mail is bounded by
// the sum); their attachments are kept, unlike those of sent mail. Same conventions as 002.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.bigInteger('received_at').nullable();
    // JSON `{ spf, dkim, dmarc }`; NULL for sent messages.
    t.text('authentication').nullable();
    // Bytes of the message as received over SMTP; 0 for sent messages.
    t.bigInteger('raw_size').notNullable().defaultTo(0);
    // Threading looks up a Message-ID within an inbox.
    t.index(['inbox_id', 'header_message_id']);
    // The stored-mail bound sums raw_size per organization at every RCPT TO: from the index alone.
    t.index(['organization_id', 'direction', 'raw_size']);
  });
  const mysql = knex.client.config.client !== 'better-sqlite3';
  await knex.schema.createTable('message_attachments', (t) => {
    t.string('message_id', 24).notNullable().references('id').inTable('messages').onDelete('CASCADE');
    // Position in the message's `attachments` list, from 0: how the API names one.
    t.integer('position').notNullable();
    t.string('organization_id', 24).notNullable();
    // BLOB holds 64 KB on MySQL; attachments go up to INBOUND_MAX_BYTES.
    if (mysql) t.specificType('content', 'longblob').notNullable();
    else t.binary('content').notNullable();
    t.primary(['message_id', 'position']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('message_attachments');
  await knex.schema.alterTable('messages', (t) => {
    t.dropIndex(['organization_id', 'direction', 'raw_size']);
    t.dropIndex(['inbox_id', 'header_message_id']);
    t.dropColumn('raw_size');
    t.dropColumn('authentication');
    t.dropColumn('received_at');
  });
}
