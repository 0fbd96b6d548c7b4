import type { Knex } from 'knex';

// Message-ID columns were varchar(255), but a Message-ID we write is `<24 hex ids@domain
// of the inbox>` and an inbox address may be 254 characters, so an id can be 280: the insert failed
// after the send-budget point was spent. 512 characters leaves room for ids written by other mail
// software and keeps the (inbox_id, header_message_id) index of 005_inbound within InnoDB's 3072
// bytes in utf8mb4 (768 characters did not). SQLite does not enforce varchar lengths, so there is
// nothing to change there.
const WIDTH = 512;

export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.schema.alterTable('messages', (t) => {
    t.string('header_message_id', WIDTH).notNullable().alter();
    t.string('in_reply_to', WIDTH).nullable().alter();
  });
}

export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return;
  await knex.schema.alterTable('messages', (t) => {
    t.string('header_message_id', 255).notNullable().alter();
    t.string('in_reply_to', 255).nullable().alter();
  });
}

function isMysql(knex: Knex): boolean {
  return knex.client.config.client === 'mysql2';
}
