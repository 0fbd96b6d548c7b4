import type { Knex } from 'knex';
import type { ApiKey, Organization } from '../domain/types';
import { emptyOutcomes, OUTCOMES, type Outcome, type OutcomeCounts } from '../domain/usage';
import { toApiKey, toOrganization, type ApiKeyRow, type OrganizationRow } from './rows';

/** Read-only queries for operators (`npm run inspect`): deleted keys included, any organization. */
export class InspectionRepository {
  constructor(private readonly knex: Knex) {}

  async organization(id: string): Promise<Organization | null> {
    const row = await this.knex<OrganizationRow>('organizations').where({ id }).first();
    return row ? toOrganization(row) : null;
  }

  async organizations(ids: string[]): Promise<Map<string, Organization>> {
    if (ids.length === 0) return new Map();
    const rows = await this.knex<OrganizationRow>('organizations').whereIn('id', ids);
    return new Map(rows.map((r) => [r.id, toOrganization(r)]));
  }

  /** Every key of the organization, deleted ones too, newest first. */
  async keysOf(orgId: string, limit = 1000): Promise<ApiKey[]> {
    const rows = await this.knex<ApiKeyRow>('api_keys').where({ organization_id: orgId }).orderBy('id', 'desc').limit(limit);
    return rows.map(toApiKey);
  }

  async keyById(id: string): Promise<ApiKey | null> {
    const row = await this.knex<ApiKeyRow>('api_keys').where({ id }).first();
    return row ? toApiKey(row) : null;
  }

  async keyByHash(keyHash: string): Promise<ApiKey | null> {
    const row = await this.knex<ApiKeyRow>('api_keys').where({ key_hash: keyHash }).first();
    return row ? toApiKey(row) : null;
  }

  /** `start` is not unique (4 random characters): every key that shows it. */
  async keysByStart(start: string, limit = 100): Promise<ApiKey[]> {
    const rows = await this.knex<ApiKeyRow>('api_keys').where({ start }).orderBy('id', 'desc').limit(limit);
    return rows.map(toApiKey);
  }

  /** Requests by outcome since `since`, for a key or a whole organization, from one usage series. */
  async usageTotals(of: { apiKeyId: string } | { organizationId: string }, granularity: 'm' | 'h', since: number): Promise<OutcomeCounts> {
    const where = 'apiKeyId' in of ? { api_key_id: of.apiKeyId } : { organization_id: of.organizationId };
    const row = (await this.knex('api_key_usage')
      .where({ ...where, granularity })
      .andWhere('bucket_start', '>=', since)
      .sum({ accepted: 'accepted', rate_limited: 'rate_limited', key_refused: 'key_refused', client_error: 'client_error', server_error: 'server_error' })
      .first()) as Record<Outcome, number | string | null> | undefined;
    const totals = emptyOutcomes();
    for (const o of OUTCOMES) totals[o] = Number(row?.[o] ?? 0);
    return totals;
  }

  /** The key's most recently seen clients. */
  async clientsOf(apiKeyId: string, limit: number): Promise<Array<{ address: string; userAgent: string; requests: number; lastSeenAt: number }>> {
    const rows = await this.knex('api_key_clients').where({ api_key_id: apiKeyId }).orderBy('last_seen_at', 'desc').limit(limit);
    return rows.map((r: { address: string; user_agent: string; requests: number; last_seen_at: number }) => ({
      address: r.address,
      userAgent: r.user_agent,
      requests: Number(r.requests),
      lastSeenAt: Number(r.last_seen_at),
    }));
  }
}
