import type { Knex } from 'knex';
import type { ApiKey, Page } from '../domain/types';
import type { Counters } from '../infra/counters';
import { nextVersion, paginate, type Db } from './db';
import { toApiKey, type ApiKeyRow } from './rows';

export type ApiKeyPatch = Partial<Pick<ApiKey, 'name' | 'active' | 'deletedAt' | 'scopes' | 'inboxIds'>>;

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
      scopes: JSON.stringify(key.scopes),
      inbox_ids: key.inboxIds === null ? null : JSON.stringify(key.inboxIds),
      rolled_to: key.rolledTo,
      rolled_from: key.rolledFrom,
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

  /**
   * Changes a key that is not deleted; false when there is none (it was deleted meanwhile: a
   * deleted key never changes again). `updated_at` moves strictly forward with every change, so
   * the caches can use it as a version.
   */
  async update(id: string, patch: ApiKeyPatch, now: number): Promise<boolean> {
    const columns: Record<string, unknown> = { updated_at: nextVersion(this.knex, now) };
    if (patch.name !== undefined) columns.name = patch.name;
    if (patch.active !== undefined) columns.active = patch.active;
    if (patch.deletedAt !== undefined) columns.deleted_at = patch.deletedAt;
    if (patch.scopes !== undefined) columns.scopes = JSON.stringify(patch.scopes);
    if (patch.inboxIds !== undefined) columns.inbox_ids = patch.inboxIds === null ? null : JSON.stringify(patch.inboxIds);
    const changed = await this.knex('api_keys').where({ id }).whereNull('deleted_at').update(columns);
    return changed > 0;
  }

  /** The row as it is now, deleted or not (what a change just wrote, or a newer state). */
  async findById(id: string): Promise<ApiKey | null> {
    const row = await this.knex<ApiKeyRow>('api_keys').where({ id }).first();
    return row ? toApiKey(row) : null;
  }

  /**
   * Marks `id` as rolled to `successor`, ending at `expiresAt`, unless it was rolled already or
   * deleted meanwhile: false then. The condition makes two concurrent rolls of one key end with
   * one successor, not two.
   */
  async markRolled(id: string, successor: string, expiresAt: number, now: number, db: Db = this.knex): Promise<boolean> {
    const changed = await db<ApiKeyRow>('api_keys')
      .where({ id })
      .whereNull('rolled_to')
      .whereNull('deleted_at')
      .update({ rolled_to: successor, expires_at: expiresAt, updated_at: nextVersion(db, now) });
    return changed === 1;
  }

  /**
   * A roll in one transaction: the successor is stored only if `oldId` could be marked as rolled
   * (see markRolled); false, and nothing stored, otherwise.
   */
  async insertSuccessor(successor: ApiKey, oldId: string, oldExpiresAt: number, now: number): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      if (!(await this.markRolled(oldId, successor.id, oldExpiresAt, now, trx))) return false;
      await this.insert(successor, trx);
      return true;
    });
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
