import type { Knex } from 'knex';
import type { Page } from '../domain/types';

/** A knex instance or an open transaction: repositories accept either. */
export type Db = Knex | Knex.Transaction;

/** Newest first by time-ordered id, with `before=<id>` cursors (contract section 4). */
export function paginate<T extends {}>(query: Knex.QueryBuilder<T>, page: Page, idColumn = 'id') {
  if (page.before) query.where(idColumn, '<', page.before);
  return query.orderBy(idColumn, 'desc').limit(page.limit);
}
