import type { Knex } from 'knex';

// Key lifecycle (docs/keys.md): scopes and an inbox restriction per key, and the links of a roll.
// Scopes and inbox ids are JSON arrays in text columns: read with the key, never queried by.
// Existing keys get `["*"]` and no restriction, so they keep the full access they had.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.text('scopes').nullable();
    t.text('inbox_ids').nullable();
    t.string('rolled_to', 24).nullable();
    t.string('rolled_from', 24).nullable();
  });
  // TEXT columns cannot have a default on every MySQL version: fill the existing rows instead.
  await knex('api_keys').update({ scopes: '["*"]' });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('scopes');
    t.dropColumn('inbox_ids');
    t.dropColumn('rolled_to');
    t.dropColumn('rolled_from');
  });
}
