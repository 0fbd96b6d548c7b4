import type { Knex } from 'knex';

// Timestamps are BIGINT milliseconds since the epoch: identical on MySQL and SQLite, cheap to
// compare, and turned into ISO 8601 strings only when serialised.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.string('id', 24).primary();
    t.string('email', 320).notNullable().unique();
    t.string('password_hash', 100).notNullable();
    t.string('first_name', 100).notNullable();
    t.string('last_name', 100).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('organizations', (t) => {
    t.string('id', 24).primary();
    t.string('name', 200).notNullable();
    // NULL: the server-wide RATE_LIMIT_* / SEND_LIMIT_* defaults apply.
    t.integer('rate_limit_points').nullable();
    t.integer('rate_limit_duration').nullable();
    t.integer('send_limit_points').nullable();
    t.integer('send_limit_duration').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('organization_members', (t) => {
    t.string('organization_id', 24).notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.string('user_id', 24).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('role', 20).notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['organization_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.schema.createTable('access_tokens', (t) => {
    t.string('id', 24).primary();
    t.string('user_id', 24).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('api_keys', (t) => {
    t.string('id', 24).primary();
    t.string('organization_id', 24).notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('key_hash', 64).notNullable().unique();
    t.string('start', 16).notNullable();
    t.boolean('active').notNullable();
    t.bigInteger('expires_at').nullable();
    t.bigInteger('last_used_at').nullable();
    // Deleted keys stay as rows so that a cached copy can be told "deleted", not "unknown".
    t.bigInteger('deleted_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['organization_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['api_keys', 'access_tokens', 'organization_members', 'organizations', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
