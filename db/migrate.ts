import { loadConfig } from '../config';
import { createKnex, ensureDatabase, migrateLatest } from './knex';

// `npm run migrate`: apply pending migrations to the configured database and exit.
async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.database);
  const knex = createKnex(config.database);
  try {
    await migrateLatest(knex);
    console.log(`migrations applied (${config.database.client})`);
  } finally {
    await knex.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
