import type { Knex } from 'knex';

// Inboxes, threads, messages, webhooks and their delivery attempts. Same conventions as 001:
// 24-hex time-ordered ids, BIGINT millisecond timestamps, and only types both MySQL and SQLite
// understand. Lists page by `(parent, id)`, so every list has an index of that shape.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('inboxes', (t) => {
    t.string('id', 24).primary();
    t.string('organization_id', 24).notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.string('name', 200).nullable();
    t.string('email', 320).notNullable();
    // Addresses are unique across all organizations whatever their case: the unique index is on
    // the lowercased copy, so neither database's collation decides what counts as the same.
    t.string('email_lower', 320).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['organization_id', 'id']);
  });
  await knex.schema.createTable('threads', (t) => {
    t.string('id', 24).primary();
    t.string('organization_id', 24).notNullable();
    t.string('inbox_id', 24).notNullable().references('id').inTable('inboxes').onDelete('CASCADE');
    t.text('subject').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['inbox_id', 'id']);
  });
  await knex.schema.createTable('messages', (t) => {
    t.string('id', 24).primary();
    t.string('organization_id', 24).notNullable();
    t.string('inbox_id', 24).notNullable().references('id').inTable('inboxes').onDelete('CASCADE');
    t.string('thread_id', 24).notNullable().references('id').inTable('threads').onDelete('CASCADE');
    t.string('direction', 10).notNullable();
    t.string('status', 20).notNullable();
    t.string('from_address', 320).notNullable();
    // Address lists, labels and attachment metadata as JSON text: read whole, never queried.
    t.text('to_addresses').notNullable();
    t.text('cc_addresses').notNullable();
    t.text('bcc_addresses').notNullable();
    t.text('labels').notNullable();
    t.text('subject').notNullable();
    t.text('text_body', 'longtext').nullable();
    t.text('html_body', 'longtext').nullable();
    t.text('attachments').notNullable();
    // The RFC 5322 Message-ID we gave the mail, and the threading headers it carried.
    t.string('header_message_id', 255).notNullable();
    t.string('in_reply_to', 255).nullable();
    t.text('references_header').nullable();
    t.text('error').nullable();
    t.bigInteger('sent_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['inbox_id', 'id']);
    t.index(['thread_id', 'id']);
  });
  await knex.schema.createTable('webhooks', (t) => {
    t.string('id', 24).primary();
    t.string('organization_id', 24).notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.string('url', 2048).notNullable();
    t.text('events').notNullable();
    // Needed in clear to sign deliveries; never returned after creation and never logged.
    t.string('secret', 100).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['organization_id', 'id']);
  });
  await knex.schema.createTable('webhook_attempts', (t) => {
    t.string('id', 24).primary();
    t.string('organization_id', 24).notNullable();
    t.string('webhook_id', 24).notNullable().references('id').inTable('webhooks').onDelete('CASCADE');
    t.string('event_id', 24).notNullable();
    t.string('event', 40).notNullable();
    t.string('inbox_id', 24).nullable();
    t.string('message_id', 24).nullable();
    t.integer('attempt').notNullable();
    t.boolean('success').notNullable();
    // The target's HTTP status; NULL when no response came (refused, timeout, connection error).
    t.integer('status_code').nullable();
    t.integer('duration_ms').notNullable();
    t.text('error').nullable();
    t.bigInteger('created_at').notNullable();
    t.index(['webhook_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['webhook_attempts', 'webhooks', 'messages', 'threads', 'inboxes']) {
    await knex.schema.dropTableIfExists(table);
  }
}
