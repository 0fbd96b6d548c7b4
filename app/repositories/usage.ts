import type { Knex } from 'knex';
import { bucketStart, GRANULARITIES, OUTCOMES, type Granularity, type KeyClient, type UsagePoint } from '../domain/usage';
import { atomically, upsertExpressions } from './upsert';

const GRANULARITY_CODE: Record<Granularity, string> = { minute: 'm', hour: 'h', day: 'd' };

interface UsageRow {
  api_key_id: string;
  granularity: string;
  bucket_start: number;
  organization_id: string;
  accepted: number;
  rate_limited: number;
  key_refused: number;
  client_error: number;
  server_error: number;
}

interface ClientRow {
  api_key_id: string;
  address: string;
  user_agent: string;
  organization_id: string;
  requests: number;
  first_seen_at: number;
  last_seen_at: number;
}

/** Usage counts (minute, hour and day series) and client sightings per key. */
export class UsageRepository {
  private readonly sql;

  constructor(private readonly knex: Knex) {
    this.sql = upsertExpressions(knex);
  }

  /**
   * Adds counts to their buckets: every point (a key's minute) also adds to its hour and day, so
   * the coarser series need no roll-up job. Each instance adds its own counts, so the stored
   * numbers are the sums over all instances.
   */
  async add(minutes: UsagePoint[]): Promise<void> {
    const rows = new Map<string, UsageRow>();
    for (const p of minutes) {
      for (const g of GRANULARITIES) {
        const start = bucketStart(p.at, g);
        const key = `${p.apiKeyId} ${g} ${start}`;
        let row = rows.get(key);
        if (!row) {
          row = { api_key_id: p.apiKeyId, granularity: GRANULARITY_CODE[g], bucket_start: start, organization_id: p.organizationId, accepted: 0, rate_limited: 0, key_refused: 0, client_error: 0, server_error: 0 };
          rows.set(key, row);
        }
        for (const o of OUTCOMES) row[o] += p.outcomes[o];
      }
    }
    const merge = Object.fromEntries(OUTCOMES.map((o) => [o, this.sql.add(o)]));
    await atomically(this.knex, [...rows.values()], (db, chunk) =>
      db<UsageRow>('api_key_usage').insert(chunk).onConflict(['api_key_id', 'granularity', 'bucket_start']).merge(merge),
      (r) => `${r.api_key_id} ${r.granularity} ${String(r.bucket_start).padStart(15, '0')}`,
    );
  }

  async series(q: { organizationId: string; granularity: Granularity; from: number; to: number; apiKeyId?: string }): Promise<UsagePoint[]> {
    const query = this.knex<UsageRow>('api_key_usage')
      .where({ organization_id: q.organizationId, granularity: GRANULARITY_CODE[q.granularity] })
      .andWhere('bucket_start', '>=', q.from)
      .andWhere('bucket_start', '<', q.to)
      .orderBy([{ column: 'bucket_start' }, { column: 'api_key_id' }]);
    if (q.apiKeyId) query.andWhere({ api_key_id: q.apiKeyId });
    const rows = (await query) as UsageRow[];
    return rows.map((r) => ({
      at: Number(r.bucket_start),
      apiKeyId: r.api_key_id,
      organizationId: r.organization_id,
      outcomes: { accepted: Number(r.accepted), rate_limited: Number(r.rate_limited), key_refused: Number(r.key_refused), client_error: Number(r.client_error), server_error: Number(r.server_error) },
    }));
  }

  async addClients(clients: KeyClient[]): Promise<void> {
    const rows: ClientRow[] = clients.map((c) => ({
      api_key_id: c.apiKeyId,
      address: c.address,
      user_agent: c.userAgent,
      organization_id: c.organizationId,
      requests: c.requests,
      first_seen_at: c.firstSeenAt,
      last_seen_at: c.lastSeenAt,
    }));
    const merge = { requests: this.sql.add('requests'), first_seen_at: this.sql.min('first_seen_at'), last_seen_at: this.sql.max('last_seen_at') };
    await atomically(this.knex, rows, (db, chunk) =>
      db<ClientRow>('api_key_clients').insert(chunk).onConflict(['api_key_id', 'address', 'user_agent']).merge(merge),
      (r) => `${r.api_key_id} ${r.address} ${r.user_agent}`,
    );
  }

  /** Most recently seen first. */
  async clientsOf(apiKeyId: string, limit: number): Promise<KeyClient[]> {
    const rows = (await this.knex<ClientRow>('api_key_clients').where({ api_key_id: apiKeyId }).orderBy('last_seen_at', 'desc').limit(limit)) as ClientRow[];
    return rows.map((r) => ({
      apiKeyId: r.api_key_id,
      organizationId: r.organization_id,
      address: r.address,
      userAgent: r.user_agent,
      requests: Number(r.requests),
      firstSeenAt: Number(r.first_seen_at),
      lastSeenAt: Number(r.last_seen_at),
    }));
  }

  /** Deletes buckets of `granularity` older than `before`; returns how many. */
  prune(granularity: Granularity, before: number): Promise<number> {
    return this.knex('api_key_usage').where({ granularity: GRANULARITY_CODE[granularity] }).andWhere('bucket_start', '<', before).delete();
  }

  pruneClients(before: number): Promise<number> {
    return this.knex('api_key_clients').where('last_seen_at', '<', before).delete();
  }
}
