import type { Knex } from 'knex';
import type { ApiKey, Organization } from '../domain/types';
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
}
