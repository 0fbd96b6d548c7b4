import type { TieredCache } from '../cache/tieredCache';
import { ALL_SCOPES, inboxesWithin, scopeBeyond, type Grant, type Grants } from '../domain/scopes';
import { keyStateOf, type ApiKey, type KeyState, type Page } from '../domain/types';
import { ApiError } from '../errors';
import { API_KEY_PREFIX, generateSecret, hashSecret, secretStart } from '../lib/credentials';
import { newId } from '../lib/ids';
import type { ApiKeyPatch as ApiKeyColumns, ApiKeyRepository } from '../repositories/apiKeys';
import type { Db } from '../repositories/db';
import type { InvalidationBus } from './invalidation';

export interface NewApiKey {
  name: string;
  expiresAt?: number | null;
  /** Default `["*"]`; inboxIds default null (all inboxes). */
  scopes?: Grant[];
  inboxIds?: string[] | null;
}

export interface ApiKeyPatch {
  name?: string;
  active?: boolean;
  scopes?: Grant[];
  inboxIds?: string[] | null;
}

/**
 * Who asks for a change: the key making the request (it cannot hand out more than it holds), or
 * null for a user's access token and the server itself, which may grant anything in the organization.
 */
export type Grantor = Grants | null;

/** How long a rolled key keeps working by default, and at most (docs/keys.md#rolling-a-key). */
export const DEFAULT_GRACE_SECONDS = 86_400;
export const MAX_GRACE_SECONDS = 604_800;

/** API key management. Every change of a key's state reaches both cache tiers before returning. */
export class ApiKeyService {
  constructor(
    private readonly repo: ApiKeyRepository,
    private readonly cache: TieredCache<KeyState>,
    private readonly bus: InvalidationBus,
  ) {}

  /** Builds and stores a key; the secret exists only in the return value. */
  async create(organizationId: string, input: NewApiKey, db?: Db, grantor: Grantor = null): Promise<{ key: ApiKey; secret: string }> {
    const scopes = input.scopes ?? [ALL_SCOPES];
    const inboxIds = input.inboxIds ?? null;
    assertGrantable(grantor, scopes, inboxIds);
    const { key, secret } = newKey(organizationId, { name: input.name, expiresAt: input.expiresAt ?? null, scopes, inboxIds, rolledFrom: null });
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

  async update(organizationId: string, id: string, patch: ApiKeyPatch, grantor: Grantor = null): Promise<ApiKey> {
    const key = await this.get(organizationId, id);
    if (patch.scopes !== undefined || patch.inboxIds !== undefined) assertGrantable(grantor, patch.scopes ?? [], patch.inboxIds === undefined ? [] : patch.inboxIds);
    const updated = await this.change(key, patch);
    // What the request path reads changed: every instance must see it now, not at the cache TTL.
    const seenByRequests = (patch.active !== undefined && patch.active !== key.active) || patch.scopes !== undefined || patch.inboxIds !== undefined;
    if (seenByRequests) await this.propagate(updated);
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
  private async change(key: ApiKey, patch: ApiKeyColumns): Promise<ApiKey> {
    const changed = await this.repo.update(key.id, patch, Date.now());
    const written = changed ? await this.repo.findById(key.id) : null;
    if (!written) throw new ApiError('not_found', 'No API key with this id.');
    return written;
  }

  /**
   * Rotation (docs/api.md, "Rolling a key"): a successor with the same name, scopes, inboxes and
   * expiry; the old key ends after `graceSeconds` (at once when it was deactivated, since nothing
   * can be relying on it). A key is rolled once: rolling it again, during its grace or after, is
   * 409 `conflict` naming the successor, so two deploy scripts cannot both rotate one key.
   * Deleted keys are 404 like any absent key; expired ones 409 (the successor would be born expired).
   */
  async roll(organizationId: string, id: string, graceSeconds: number, grantor: Grantor = null): Promise<{ key: ApiKey; secret: string; old: ApiKey }> {
    const old = await this.get(organizationId, id);
    // Rolling hands out a new secret with the old key's powers: no more than the caller holds.
    assertGrantable(grantor, old.scopes, old.inboxIds);
    if (old.rolledTo !== null) throw rolledAlready(old.rolledTo);
    const now = Date.now();
    if (old.expiresAt !== null && old.expiresAt <= now) throw new ApiError('conflict', 'This key has expired; create a new key instead of rolling it.');
    const endOfGrace = old.active ? Math.min(old.expiresAt ?? Infinity, now + graceSeconds * 1000) : now;
    const { key, secret } = newKey(organizationId, { name: old.name, expiresAt: old.expiresAt, scopes: old.scopes, inboxIds: old.inboxIds, rolledFrom: old.id }, now);
    if (!(await this.repo.insertSuccessor(key, old.id, endOfGrace, now))) {
      const current = await this.repo.findForOrg(organizationId, id);
      if (!current) throw new ApiError('not_found', 'No API key with this id.');
      throw rolledAlready(current.rolledTo ?? '');
    }
    // The row as written, with the version the caches compare (a racing change may be newer).
    const ended = (await this.repo.findById(old.id)) ?? { ...old, expiresAt: endOfGrace, rolledTo: key.id };
    // The old key's record in every tier carries the end of its grace, so each instance refuses it
    // at that moment by its own clock (keyStatus), without waiting for a cache TTL.
    await this.propagate(ended);
    await this.prime(key);
    return { key, secret, old: ended };
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

type KeyFields = Pick<ApiKey, 'name' | 'expiresAt' | 'scopes' | 'inboxIds' | 'rolledFrom'>;

function newKey(organizationId: string, fields: KeyFields, now = Date.now()): { key: ApiKey; secret: string } {
  const secret = generateSecret(API_KEY_PREFIX);
  const key: ApiKey = {
    id: newId(now),
    organizationId,
    start: secretStart(secret),
    keyHash: hashSecret(secret),
    active: true,
    lastUsedAt: null,
    deletedAt: null,
    rolledTo: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
    scopes: [...fields.scopes],
    inboxIds: fields.inboxIds === null ? null : [...fields.inboxIds],
  };
  return { key, secret };
}

/** 403 insufficient_scope when `grantor` would hand out a scope or an inbox it does not hold. */
export function assertGrantable(grantor: Grantor, scopes: readonly Grant[], inboxIds: readonly string[] | null): void {
  if (grantor === null) return;
  const beyond = scopeBeyond(grantor, scopes);
  if (beyond !== null) throw new ApiError('insufficient_scope', `This key cannot grant ${beyond}: it does not hold it.`, { required: beyond });
  if (!inboxesWithin(grantor, inboxIds)) {
    throw new ApiError('insufficient_scope', 'This key cannot grant access to inboxes it is not restricted to.', { required: 'inboxIds' });
  }
}

function rolledAlready(successor: string): ApiError {
  return new ApiError('conflict', `This key was already rolled to ${successor}; roll that key instead.`);
}
