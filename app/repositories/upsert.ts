import type { Knex } from 'knex';

/**
 * The SQL of "the stored value plus the incoming one" (and the larger/smaller of the two) in an
 * upsert, which MySQL and SQLite spell differently: MySQL's ON DUPLICATE KEY UPDATE reads the
 * incoming row with VALUES(col), SQLite's ON CONFLICT DO UPDATE with excluded.col.
 */
export function upsertExpressions(knex: Knex) {
  const sqlite = String(knex.client.config.client).includes('sqlite');
  const incoming = (column: string) => (sqlite ? `excluded.${column}` : `VALUES(${column})`);
  return {
    add: (column: string) => knex.raw(`${column} + ${incoming(column)}`),
    max: (column: string) => knex.raw(sqlite ? `max(${column}, ${incoming(column)})` : `GREATEST(${column}, ${incoming(column)})`),
    min: (column: string) => knex.raw(sqlite ? `min(${column}, ${incoming(column)})` : `LEAST(${column}, ${incoming(column)})`),
  };
}

/** Rows per multi-row statement: far below MySQL's 65,535 and SQLite's 32,766 placeholders. */
export const ROWS_PER_INSERT = 500;

export function chunks<T>(items: readonly T[], size = ROWS_PER_INSERT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Runs a multi-statement write in one transaction, so a batch that fails half way leaves nothing
 * behind and can be retried whole; a single statement runs as is.
 */
export function atomically<T>(knex: Knex, rows: readonly T[], write: (db: Knex | Knex.Transaction, chunk: T[]) => Promise<unknown>, order?: (row: T) => string): Promise<void> {
  // Instances upserting the same rows lock them in the same order, so InnoDB does not deadlock them.
  const sorted = order ? [...rows].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)) : rows;
  const parts = chunks(sorted);
  const all = async (db: Knex | Knex.Transaction) => {
    for (const chunk of parts) await write(db, chunk);
  };
  return parts.length > 1 ? knex.transaction(all) : all(knex);
}
