import type { TieredCache } from '../cache/tieredCache';
import { keyStateOf, type ApiKey, type KeyState, type Page } from '../domain/types';
import { ApiError } from '../errors';
import { API_KEY_PREFIX, generateSecret, hashSecret, secretStart } from '../lib/credentials';
import { newId } from '../lib/ids';
import type { ApiKeyPatch, ApiKeyRepository } from '../repositories/apiKeys';
import type { Db } from '../repositories/db';
import type { InvalidationBus } from './invalidation';

export interface NewApiKey {
  name: string;
  expiresAt?: number | null;
}

/** API key management. Every change of a key's state reaches both cache tiers before returning. */
export class ApiKeyService {
  constructor(
    private readonly repo: ApiKeyRepository,
    private readonly cache: TieredCache<KeyState>,
    private readonly bus: InvalidationBus,
  ) {}

  /** Builds and stores a key; the secret exists only in the return value. */
  async create(organizationId: string, input: NewApiKey, db?: Db): Promise<{ key: ApiKey; secret: string }> {
    const secret = generateSecret(API_KEY_PREFIX);
    const now = Date.now();
    const key: ApiKey = {
      id: newId(now),
      organizationId,
      name: input.name,
      start: secretStart(secret),
      keyHash: hashSecret(secret),
      active: true,
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: null,
      deletedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insert(key, db);
    return { key, secret };
  }

  /** Puts a newly created key into the caches (after its transaction committed). */
  async prime(key: ApiKey): Promise<void> {
    await this.cache.write(key.keyHash, keyStateOf(key)).catch(() => undefined);
  }

  list(organizationId: string, page: Page): Promise<ApiKey[]> {
    return this.repo.listForOrg(organizationId, page);
  }

  async get(organizationId: string, id: string): Promise<ApiKey> {
    const key = await this.repo.findForOrg(organizationId, id);
    if (!key) throw new ApiError('not_found', 'No API key with this id.');
    return key;
  }

  async update(organizationId: string, id: string, patch: { name?: string; active?: boolean }): Promise<ApiKey> {
    const key = await this.get(organizationId, id);
    const updated = await this.change(key, patch);
    if (patch.active !== undefined && patch.active !== key.active) await this.propagate(updated);
    return updated;
  }

  /** Soft delete: the row stays so that caches can hold "deleted" rather than "unknown". */
  async delete(organizationId: string, id: string): Promise<ApiKey> {
    const key = await this.get(organizationId, id);
    const deleted = await this.change(key, { active: false, deletedAt: Date.now() });
    await this.propagate(deleted);
    return deleted;
  }

  /**
   * Writes the change only if the key is still not deleted (a racing DELETE wins: 404), then
   * reads back what was written. The caches get that row, never one built from the read before
   * the UPDATE, which is how a PATCH racing a DELETE used to bring the deleted key back.
   */
  private async change(key: ApiKey, patch: ApiKeyPatch): Promise<ApiKey> {
    const changed = await this.repo.update(key.id, patch, Date.now());
    const written = changed ? await this.repo.findById(key.id) : null;
    if (!written) throw new ApiError('not_found', 'No API key with this id.');
    return written;
  }

  /**
   * Revocation: this instance's tiers hold the new state before the response; others are told.
   * The state carries its version (updatedAt), so of racing writes the newest wins in the caches.
   */
  private async propagate(key: ApiKey): Promise<void> {
    await this.cache.write(key.keyHash, keyStateOf(key));
    await this.bus.publish({ kind: 'apikey', id: key.keyHash });
  }
}
