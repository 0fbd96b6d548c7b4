import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config';
import { migrationSource } from './migrations';

/** Where knex's own warnings go (pool errors, deprecations); console when not given. */
export interface KnexLog {
  warn(message: unknown): void;
  error(message: unknown): void;
}

export function createKnex(database: Config['database'], log?: KnexLog): Knex {
  const logging = log && {
    warn: (m: unknown) => log.warn(m),
    error: (m: unknown) => log.error(m),
    deprecate: (m: unknown) => log.warn(m),
    debug: () => undefined,
  };
  if (database.client === 'sqlite') {
    if (database.file !== ':memory:') mkdirSync(dirname(database.file), { recursive: true });
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: database.file },
      useNullAsDefault: true,
      compileSqlOnError: false,
      // One connection: SQLite serialises writes anyway, and a single handle avoids SQLITE_BUSY.
      pool: { min: 1, max: 1, afterCreate: enableForeignKeys },
      log: logging,
    });
  }
  return knexFactory({
    client: 'mysql2',
    connection: { uri: database.url, connectTimeout: database.connectTimeoutMs, supportBigNumbers: true, bigNumberStrings: false },
    // A request waits at most acquireTimeoutMs for a connection, then gets a 503.
    pool: { min: 0, max: database.poolMax, acquireTimeoutMillis: database.acquireTimeoutMs },
    acquireConnectionTimeout: database.acquireTimeoutMs,
    // An error's message carries the statement with `?`, not its values (secrets, hashes, bodies).
    compileSqlOnError: false,
    log: logging,
  });
}

function enableForeignKeys(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
  conn.pragma('foreign_keys = ON');
  conn.pragma('journal_mode = WAL');
  done(null, conn);
}

/** Creates the MySQL database named in the URL when it does not exist yet. */
export async function ensureDatabase(database: Config['database']): Promise<void> {
  if (database.client !== 'mysql') return;
  const url = new URL(database.url);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error('MYSQL_URL must name a database, e.g. mysql://root@127.0.0.1:3306/sendook');
  url.pathname = '/';
  const admin = knexFactory({ client: 'mysql2', connection: { uri: url.toString() }, pool: { min: 0, max: 1 } });
  try {
    await admin.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  } finally {
    await admin.destroy();
  }
}

/**
 * Applies pending migrations. Instances booting together race for knex's migration lock (or to
 * create its bookkeeping table); the losers wait and try again instead of failing the boot.
 */
export async function migrateLatest(knex: Knex, attempts = 20): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await knex.migrate.latest({ migrationSource });
      return;
    } catch (err) {
      if (attempt >= attempts || !isMigrationRace(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}

function isMigrationRace(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string };
  return e.name === 'MigrationLocked' || e.code === 'ER_TABLE_EXISTS_ERROR' || /already exists/.test(e.message ?? '');
}
