import type { Knex } from 'knex';
import { isUniqueViolation } from '../infra/dbErrors';
import { chunks, upsertExpressions } from './upsert';

export type AlertKind = 'new_client' | 'rejected' | 'rate_limited';

interface AlertMarkRow {
  kind: string;
  subject: string;
  quiet_until: number;
}

/**
 * "At most once per ..." across instances. A mark says: no alert of this kind about this subject
 * before `until`. Claiming inserts the mark, or moves an expired one forward; exactly one of the
 * instances racing for the same subject succeeds (the primary key and the conditional update
 * decide), and only it sends the alert.
 */
export class AlertMarkRepository {
  private readonly sql;

  constructor(private readonly knex: Knex) {
    this.sql = upsertExpressions(knex);
  }

  async claim(kind: AlertKind, subject: string, until: number, now: number): Promise<boolean> {
    try {
      await this.knex<AlertMarkRow>('alert_marks').insert({ kind, subject, quiet_until: until });
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    const moved = await this.knex<AlertMarkRow>('alert_marks').where({ kind, subject }).andWhere('quiet_until', '<=', now).update({ quiet_until: until });
    return moved > 0;
  }

  /** The marks held for these subjects, by subject. */
  async find(kind: AlertKind, subjects: string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const chunk of chunks(subjects)) {
      const rows = (await this.knex<AlertMarkRow>('alert_marks').where({ kind }).whereIn('subject', chunk).select('subject', 'quiet_until')) as AlertMarkRow[];
      for (const r of rows) found.set(r.subject, Number(r.quiet_until));
    }
    return found;
  }

  /** Moves marks forward to at least `until` (a client seen again keeps its key quiet longer). */
  async extend(kind: AlertKind, subjects: string[], until: number): Promise<void> {
    for (const chunk of chunks([...subjects].sort())) {
      await this.knex<AlertMarkRow>('alert_marks')
        .insert(chunk.map((subject) => ({ kind, subject, quiet_until: until })))
        .onConflict(['kind', 'subject'])
        .merge({ quiet_until: this.sql.max('quiet_until') });
    }
  }

  pruneExpired(now: number): Promise<number> {
    return this.knex('alert_marks').where('quiet_until', '<', now).delete();
  }
}
