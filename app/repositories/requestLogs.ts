import type { Knex } from 'knex';
import type { Page } from '../domain/types';
import type { RequestLogLine } from '../domain/usage';
import { paginate } from './db';
import { chunks } from './upsert';

interface RequestLogRow {
  id: string;
  organization_id: string;
  api_key_id: string;
  method: string;
  route: string;
  path: string;
  status: number;
  address: string;
  user_agent: string;
  duration_ms: number;
  request_id: string;
  replayed: boolean | number;
}

export interface RequestLogFilter {
  apiKeyId?: string;
  /** An exact status (404) or a class (400 for 4xx: from `status` to `status + 99`). */
  status?: { from: number; to: number };
  route?: string;
}

/** The request log: written in batches by the usage flusher, read newest first. */
export class RequestLogRepository {
  constructor(private readonly knex: Knex) {}

  async insert(lines: RequestLogLine[]): Promise<void> {
    for (const chunk of chunks(lines)) {
      await this.knex<RequestLogRow>('request_logs')
        .insert(
        chunk.map((l) => ({
          id: l.id,
          organization_id: l.organizationId,
          api_key_id: l.apiKeyId,
          method: l.method,
          route: l.route,
          path: l.path,
          status: l.status,
          address: l.address,
          user_agent: l.userAgent,
          duration_ms: l.durationMs,
          request_id: l.requestId,
          replayed: l.replayed,
        })),
        )
        // A batch retried after a fault that hid its success: the lines already stored stay once.
        .onConflict('id')
        .ignore();
    }
  }

  async list(organizationId: string, filter: RequestLogFilter, page: Page): Promise<RequestLogLine[]> {
    const query = this.knex<RequestLogRow>('request_logs').where({ organization_id: organizationId });
    if (filter.apiKeyId) query.andWhere({ api_key_id: filter.apiKeyId });
    if (filter.route) query.andWhere({ route: filter.route });
    if (filter.status) query.andWhere('status', '>=', filter.status.from).andWhere('status', '<=', filter.status.to);
    const rows = (await paginate(query, page)) as RequestLogRow[];
    return rows.map((r) => ({
      id: r.id,
      organizationId: r.organization_id,
      apiKeyId: r.api_key_id,
      method: r.method,
      route: r.route,
      path: r.path,
      status: Number(r.status),
      address: r.address,
      userAgent: r.user_agent,
      durationMs: Number(r.duration_ms),
      requestId: r.request_id,
      // MySQL and SQLite answer booleans as 0/1.
      replayed: Boolean(r.replayed),
    }));
  }

  /** Lines older than `before` (ids are time-ordered, so this is a range of the primary key). */
  pruneOlderThan(before: number): Promise<number> {
    return this.knex('request_logs').where('id', '<', before.toString(16).padStart(12, '0') + '0'.repeat(12)).delete();
  }

  /** Keeps the newest `keep` lines of an organization; returns how many were deleted. */
  async capOrganization(organizationId: string, keep: number): Promise<number> {
    const oldestKept = await this.knex<RequestLogRow>('request_logs')
      .where({ organization_id: organizationId })
      .orderBy('id', 'desc')
      .offset(keep - 1)
      .first('id');
    if (!oldestKept) return 0;
    return this.knex('request_logs').where({ organization_id: organizationId }).andWhere('id', '<', oldestKept.id).delete();
  }

  count(organizationId: string): Promise<number> {
    return this.knex('request_logs').where({ organization_id: organizationId }).count({ n: '*' }).then((r) => Number(r[0]!.n));
  }
}
