import type { Knex } from 'knex';

// Key usage, clients, request logs and alert marks (docs/usage.md). Same conventions as
// 001/002: BIGINT millisecond times, types both MySQL and SQLite understand. Every table is
// written in batches by the usage flusher, never by a request, and pruned by the usage pruner.
export async function up(knex: Knex): Promise<void> {
  // One row per key, granularity (m, h, d) and bucket start; instances add their counts to it.
  await knex.schema.createTable('api_key_usage', (t) => {
    t.string('api_key_id', 24).notNullable();
    t.string('granularity', 1).notNullable();
    t.bigInteger('bucket_start').notNullable();
    t.string('organization_id', 24).notNullable();
    t.integer('accepted').notNullable().defaultTo(0);
    t.integer('rate_limited').notNullable().defaultTo(0);
    t.integer('key_refused').notNullable().defaultTo(0);
    t.integer('client_error').notNullable().defaultTo(0);
    t.integer('server_error').notNullable().defaultTo(0);
    t.primary(['api_key_id', 'granularity', 'bucket_start']);
    t.index(['organization_id', 'granularity', 'bucket_start']);
    t.index(['granularity', 'bucket_start']);
  });
  // Where a key is used from: one row per key, client address and user agent (truncated).
  await knex.schema.createTable('api_key_clients', (t) => {
    t.string('api_key_id', 24).notNullable();
    t.string('address', 64).notNullable();
    t.string('user_agent', 255).notNullable();
    t.string('organization_id', 24).notNullable();
    t.integer('requests').notNullable();
    t.bigInteger('first_seen_at').notNullable();
    t.bigInteger('last_seen_at').notNullable();
    t.primary(['api_key_id', 'address', 'user_agent']);
    t.index(['api_key_id', 'last_seen_at']);
    t.index(['last_seen_at']);
  });
  await knex.schema.createTable('request_logs', (t) => {
    t.string('id', 24).primary();
    t.string('organization_id', 24).notNullable();
    t.string('api_key_id', 24).notNullable();
    t.string('method', 10).notNullable();
    t.string('route', 200).notNullable();
    t.string('path', 512).notNullable();
    t.integer('status').notNullable();
    t.string('address', 64).notNullable();
    t.string('user_agent', 255).notNullable();
    t.integer('duration_ms').notNullable();
    t.string('request_id', 64).notNullable();
    t.index(['organization_id', 'id']);
    t.index(['organization_id', 'api_key_id', 'id']);
  });
  // "At most once per ..." for alerts, across instances: whoever inserts the mark, or moves an
  // expired one forward, sends the alert.
  await knex.schema.createTable('alert_marks', (t) => {
    t.string('kind', 20).notNullable();
    t.string('subject', 100).notNullable();
    t.bigInteger('quiet_until').notNullable();
    t.primary(['kind', 'subject']);
    t.index(['quiet_until']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['alert_marks', 'request_logs', 'api_key_clients', 'api_key_usage']) await knex.schema.dropTableIfExists(table);
}
