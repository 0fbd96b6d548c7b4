import type { Knex } from 'knex';

// Idempotent writes (docs/api.md, "Idempotent requests"). Same conventions as 003: BIGINT
// millisecond times, types both MySQL and SQLite understand.
export async function up(knex: Knex): Promise<void> {
  // One row per organization and Idempotency-Key (by the key's SHA-256). The primary key is what
  // makes two instances racing on one key run it once: whoever inserts the row runs the request.
  // While it runs, `owner` and `locked_until` hold the reservation and `status` is null; then the
  // answer is kept until `expires_at`.
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.string('organization_id', 24).notNullable();
    t.string('key_hash', 64).notNullable();
    /** SHA-256 of method, path and canonical body: what a replay must match. */
    t.string('fingerprint', 64).notNullable();
    t.string('owner', 24).nullable();
    t.bigInteger('locked_until').nullable();
    t.integer('status').nullable();
    // A message's JSON can be as large as the send body limit (MESSAGE_BODY_LIMIT, 20 MB).
    t.text('body', 'longtext').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.primary(['organization_id', 'key_hash']);
    t.index(['expires_at']);
  });
  // The request log shows which requests were answered from a kept answer.
  await knex.schema.alterTable('request_logs', (t) => {
    t.boolean('replayed').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('request_logs', (t) => {
    t.dropColumn('replayed');
  });
  await knex.schema.dropTableIfExists('idempotency_keys');
}
