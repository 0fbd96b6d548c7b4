import type { Knex } from 'knex';

// Domains an organization sends and receives as (docs/email.md#your-own-domain). Same
// conventions as 001: 24-hex time-ordered ids, BIGINT millisecond timestamps, types both MySQL
// and SQLite understand. Names are ASCII (punycode), at most 253 characters, so their indexes
// fit InnoDB's key length.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('domains', (t) => {
    t.string('id', 24).primary();
    t.string('organization_id', 24).notNullable().references('id').inTable('organizations').onDelete('CASCADE');
    t.string('name', 253).notNullable();
    // The value of TXT _sendook.<name>: proves this organization controls the name.
    t.string('verification_token', 64).notNullable();
    t.string('dkim_selector', 63).notNullable();
    // Base64 SPKI (DER) of the DKIM key, as published in the TXT record's p= tag.
    t.text('dkim_public_key').notNullable();
    // The PKCS#8 PEM of the DKIM key, AES-256-GCM under SECRETS_KEY (app/lib/secretBox.ts).
    t.text('dkim_private_key_encrypted').notNullable();
    // Which SECRETS_KEY encrypted it (a keyed hash, not the key): /health counts the domains
    // whose key this instance cannot read without decrypting every one.
    t.string('secrets_key_id', 32).notNullable();
    t.boolean('verified').notNullable().defaultTo(false);
    // The name while verified, NULL otherwise. Unique: of two organizations verifying one name at
    // the same moment, the database lets one win (NULLs never collide, on either database).
    t.string('verified_name', 253).nullable().unique();
    t.bigInteger('verified_at').nullable();
    t.bigInteger('checked_at').nullable();
    // JSON { ownership, mx, spf, dkim, dmarc } → pending | verified | failed, from the last check.
    t.text('record_statuses').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['organization_id', 'name']);
    t.index(['organization_id', 'id']);
    // Operators look a name up whatever its organization (npm run inspect -- domain <name>).
    t.index(['name']);
    // The background re-check walks verified domains by id.
    t.index(['verified', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('domains');
}
