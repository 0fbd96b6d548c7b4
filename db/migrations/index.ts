import type { Knex } from 'knex';
import * as accounts from './001_accounts';
import * as email from './002_email';
import * as usage from './003_usage';
import * as keyLifecycle from './004_key_lifecycle';
import * as inbound from './005_inbound';
import * as hardening from './006_hardening';
import * as domains from './007_domains';
import * as idempotency from './008_idempotency';
import * as webhookRetries from './009_webhook_retries';

// Migrations are listed in code rather than discovered on disk, so the same list runs from
// TypeScript (tests, tsx) and from the compiled dist/ without a loader. Append, never reorder.
const migrations: Record<string, Knex.Migration> = {
  '001_accounts': accounts,
  '002_email': email,
  '003_usage': usage,
  '004_key_lifecycle': keyLifecycle,
  '005_inbound': inbound,
  '006_hardening': hardening,
  '007_domains': domains,
  '008_idempotency': idempotency,
  '009_webhook_retries': webhookRetries,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};
