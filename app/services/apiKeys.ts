import type { TieredCache } from '../cache/tieredCache';
import { keyStateOf, type ApiKey, type KeyState, type Page } from '../domain/types';
import { ApiError } from '../errors';
import { API_KEY_PREFIX, generateSecret, hashSecret, secretStart } from '../lib/credentials';
import { newId } from '../lib/ids';
import type { ApiKeyRepository } from '../repositories/apiKeys';
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
    const now = Date.now();
    await this.repo.update(id, patch, now);
    const updated: ApiKey = { ...key, ...stripUndefined(patch), updatedAt: now };
    if (patch.active !== undefined && patch.active !== key.active) await this.propagate(updated);
    return updated;
  }

  /** Soft delete: the row stays so that caches can hold "deleted" rather than "unknown". */
  async delete(organizationId: string, id: string): Promise<ApiKey> {
    const key = await this.get(organizationId, id);
    const now = Date.now();
    await this.repo.update(id, { active: false, deletedAt: now }, now);
    const deleted: ApiKey = { ...key, active: false, deletedAt: now, updatedAt: now };
    await this.propagate(deleted);
    return deleted;
  }

  /** Revocation: this instance's tiers hold the new state before the response; others are told. */
  private async propagate(key: ApiKey): Promise<void> {
    await this.cache.write(key.keyHash, keyStateOf(key));
    await this.bus.publish({ kind: 'apikey', id: key.keyHash });
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
