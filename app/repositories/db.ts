import type { Knex } from 'knex';
import type { Page } from '../domain/types';

/** A knex instance or an open transaction: repositories accept either. */
export type Db = Knex | Knex.Transaction;

/** Newest first by time-ordered id, with `before=<id>` cursors (docs/api.md). */
export function paginate<T extends {}>(query: Knex.QueryBuilder<T>, page: Page, idColumn = 'id') {
  if (page.before) query.where(idColumn, '<', page.before);
  return query.orderBy(idColumn, 'desc').limit(page.limit);
}

/**
 * `updated_at` for a change: now, or one past the stored value when that is not older (two
 * changes in one millisecond, or clocks apart between instances). Computed by the database under
 * the row's write lock, so every change of a row gets a strictly greater value: the version the
 * caches compare (app/cache/tieredCache.ts).
 */
export function nextVersion(db: Db, now: number): Knex.Raw {
  return db.raw('case when updated_at >= ? then updated_at + 1 else ? end', [now, now]);
}
