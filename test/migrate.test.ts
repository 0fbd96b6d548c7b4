import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { createDatabase } from './helpers/services';

// `npm run migrate` applies every migration; `-- --down-to <name>` undoes the newer ones, newest
// first, so an operator can go back to an older release (CHANGELOG.md says what each undo drops).
// Run as an operator runs it: the real script, a child process with only the database settings.
const ROOT = join(__dirname, '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function migrate(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'db', 'migrate.ts'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // Bounded: a script that hangs fails the test instead of holding it until ava's timeout.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

async function applied(knex: Knex): Promise<string[]> {
  return (await knex('knex_migrations').orderBy('id').select('name')).map((row: { name: string }) => row.name);
}

async function schemaAfterEachStep(t: import('ava').ExecutionContext, knex: Knex, env: Record<string, string>) {
  const up = await migrate([], env);
  t.is(up.code, 0, up.stderr);
  const all = await applied(knex);
  t.true(all.length >= 6 && all[5] === '006_hardening', all.join(','));
  t.true(await knex.schema.hasTable('message_attachments'));
  t.true(await knex.schema.hasColumn('api_keys', 'scopes'));

  const down = await migrate(['--down-to', '002_email'], env);
  t.is(down.code, 0, down.stderr);
  t.deepEqual(await applied(knex), ['001_accounts', '002_email']);
  for (const gone of ['message_attachments', 'api_key_usage', 'request_logs', 'alert_marks']) t.false(await knex.schema.hasTable(gone), gone);
  t.false(await knex.schema.hasColumn('api_keys', 'scopes'));
  t.false(await knex.schema.hasColumn('messages', 'received_at'));
  t.true(await knex.schema.hasTable('inboxes'), 'what 002 made stays');

  // Already there: nothing to undo, and it says where the database stands.
  const again = await migrate(['--down-to', '002_email'], env);
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /newest applied migration is 002_email/);

  const back = await migrate([], env);
  t.is(back.code, 0, back.stderr);
  t.deepEqual(await applied(knex), all);
  t.true(await knex.schema.hasTable('message_attachments'));
}

test.serial('on MySQL: --down-to undoes the newer migrations, newest first, and migrate applies them again', async (t) => {
  const database = await createDatabase();
  const knex = knexFactory({ client: 'mysql2', connection: { uri: database.url }, pool: { min: 0, max: 1 } });
  try {
    await schemaAfterEachStep(t, knex, { MYSQL_URL: database.url });
  } finally {
    await knex.destroy();
    await database.drop();
  }
});

test.serial('on SQLite: the same, and a mistaken name or usage changes nothing', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'sendook-migrate-'));
  const file = join(folder, 'db.sqlite');
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  try {
    await schemaAfterEachStep(t, knex, { SQLITE_FILE: file });
    const before = await applied(knex);
    const unknown = await migrate(['--down-to', '002_emial'], { SQLITE_FILE: file });
    t.is(unknown.code, 1);
    t.regex(unknown.stderr, /no migration named 002_emial/);
    const usage = await migrate(['--down'], { SQLITE_FILE: file });
    t.is(usage.code, 1);
    t.regex(usage.stderr, /usage: npm run migrate/);
    t.deepEqual(await applied(knex), before);
  } finally {
    await knex.destroy();
    rmSync(folder, { recursive: true, force: true });
  }
});
