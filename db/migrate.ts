import { loadConfig } from '../config';
import { createKnex, ensureDatabase, migrateLatest } from './knex';
import { migrationSource } from './migrations';

// `npm run migrate`: apply pending migrations to the configured database and exit.
// `npm run migrate -- --down-to <name>`: undo the migrations applied after <name>, newest first
// (for rolling back to an older release; what each undo drops is in CHANGELOG.md).
async function main(args: string[]): Promise<void> {
  const downTo = parseDownTo(args);
  const config = loadConfig();
  await ensureDatabase(config.database);
  const knex = createKnex(config.database);
  try {
    if (downTo === null) {
      await migrateLatest(knex);
      console.log(`migrations applied (${config.database.client})`);
      return;
    }
    const names = await migrationSource.getMigrations([]);
    if (!names.includes(downTo)) throw new Error(`no migration named ${downTo}; the migrations are ${names.join(', ')}`);
    for (;;) {
      const [done] = (await knex.migrate.list({ migrationSource })) as [{ name: string }[], unknown];
      const newest = done[done.length - 1]?.name;
      if (newest === undefined || newest === downTo || names.indexOf(newest) < names.indexOf(downTo)) break;
      await knex.migrate.down({ migrationSource, name: newest });
      console.log(`undone: ${newest}`);
    }
    console.log(`the newest applied migration is ${downTo} (${config.database.client})`);
  } finally {
    await knex.destroy();
  }
}

/** `--down-to <name>` → name; no arguments → null (apply everything). Anything else is a mistake. */
function parseDownTo(args: string[]): string | null {
  if (args.length === 0) return null;
  if (args.length === 2 && args[0] === '--down-to' && args[1]) return args[1];
  throw new Error('usage: npm run migrate [-- --down-to <migration name, e.g. 005_inbound>]');
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
