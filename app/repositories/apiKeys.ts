import type { Knex } from 'knex';
import type { ApiKey, Page } from '../domain/types';
import type { Counters } from '../infra/counters';
import { paginate, type Db } from './db';
import { toApiKey, type ApiKeyRow } from './rows';

export type ApiKeyPatch = Partial<Pick<ApiKey, 'name' | 'active' | 'deletedAt'>>;

export class ApiKeyRepository {
  constructor(
    private readonly knex: Knex,
    private readonly counters: Counters,
  ) {}

  async insert(key: ApiKey, db: Db = this.knex): Promise<void> {
    await db<ApiKeyRow>('api_keys').insert({
      id: key.id,
      organization_id: key.organizationId,
      name: key.name,
      key_hash: key.keyHash,
      start: key.start,
      active: key.active,
      expires_at: key.expiresAt,
      last_used_at: key.lastUsedAt,
      deleted_at: key.deletedAt,
      created_at: key.createdAt,
      updated_at: key.updatedAt,
    });
  }

  /** The lookup behind the key caches; deleted keys are returned so they can be cached as such. */
  async findByHash(keyHash: string): Promise<ApiKey | null> {
    this.counters.keyLookupQueries++;
    const row = await this.knex<ApiKeyRow>('api_keys').where({ key_hash: keyHash }).first();
    return row ? toApiKey(row) : null;
  }

  /** A live (not deleted) key of this organization; another organization's id reads as absent. */
  async findForOrg(orgId: string, id: string): Promise<ApiKey | null> {
    const row = await this.knex<ApiKeyRow>('api_keys')
      .where({ id, organization_id: orgId })
      .whereNull('deleted_at')
      .first();
    return row ? toApiKey(row) : null;
  }

  async listForOrg(orgId: string, page: Page): Promise<ApiKey[]> {
    const query = this.knex<ApiKeyRow>('api_keys').where({ organization_id: orgId }).whereNull('deleted_at');
    const rows = (await paginate(query, page)) as ApiKeyRow[];
    return rows.map(toApiKey);
  }

  async update(id: string, patch: ApiKeyPatch, now: number): Promise<void> {
    const columns: Partial<ApiKeyRow> = { updated_at: now };
    if (patch.name !== undefined) columns.name = patch.name;
    if (patch.active !== undefined) columns.active = patch.active;
    if (patch.deletedAt !== undefined) columns.deleted_at = patch.deletedAt;
    await this.knex<ApiKeyRow>('api_keys').where({ id }).update(columns);
  }

  /** lastUsedAt only moves forward, whichever instance flushes last. */
  async touchLastUsed(id: string, at: number): Promise<void> {
    await this.knex<ApiKeyRow>('api_keys')
      .where({ id })
      .andWhere((q) => q.whereNull('last_used_at').orWhere('last_used_at', '<', at))
      .update({ last_used_at: at });
  }

  /** Keys by id, deleted ones included (usage alerts describe the key that was presented). */
  async findByIds(ids: string[]): Promise<ApiKey[]> {
    if (ids.length === 0) return [];
    const rows = (await this.knex<ApiKeyRow>('api_keys').whereIn('id', ids)) as ApiKeyRow[];
    return rows.map(toApiKey);
  }
}
