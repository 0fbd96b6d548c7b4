import type { Grant } from './scopes';

// Plain records the services pass around. Times are epoch milliseconds; they become ISO 8601
// strings only in the serializers.

export interface User {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  createdAt: number;
  updatedAt: number;
}

export interface Organization {
  id: string;
  name: string;
  /** Per-organization overrides of the server-wide budgets; null means the default. */
  rateLimitPoints: number | null;
  rateLimitDuration: number | null;
  sendLimitPoints: number | null;
  sendLimitDuration: number | null;
  createdAt: number;
  updatedAt: number;
}

export type MemberRole = 'owner' | 'member';

export interface ApiKey {
  id: string;
  organizationId: string;
  name: string;
  start: string;
  keyHash: string;
  active: boolean;
  expiresAt: number | null;
  lastUsedAt: number | null;
  deletedAt: number | null;
  /** `["*"]` (everything) or a list of scopes (domain/scopes.ts). */
  scopes: Grant[];
  /** The inboxes the key may touch; null: all of the organization's. */
  inboxIds: string[] | null;
  /** The key this one was rolled to (its successor), and the one it was rolled from. */
  rolledTo: string | null;
  rolledFrom: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The part of a key the request path needs, as held in the in-process cache and in Redis. */
export interface KeyState {
  id: string;
  organizationId: string;
  active: boolean;
  expiresAt: number | null;
  deleted: boolean;
  /**
   * The row's updated_at, which every change moves strictly forward: the version the caches
   * compare so that an older state never overwrites a newer one (app/cache/tieredCache.ts).
   */
  updatedAt: number;
  /** Records cached before scopes existed lack these two: domain/scopes.ts reads that as full access. */
  scopes: readonly Grant[];
  inboxIds: readonly string[] | null;
}

export function keyStateOf(key: ApiKey): KeyState {
  return {
    id: key.id,
    organizationId: key.organizationId,
    active: key.active,
    expiresAt: key.expiresAt,
    deleted: key.deletedAt !== null,
    updatedAt: key.updatedAt,
    scopes: key.scopes,
    inboxIds: key.inboxIds,
  };
}

export type KeyStatus = 'active' | 'deleted' | 'inactive' | 'expired';

/** Whether a key admits requests now, and why not: the request path and `npm run inspect` both ask. */
export function keyStatus(key: Pick<KeyState, 'deleted' | 'active' | 'expiresAt'>, now: number): KeyStatus {
  if (key.deleted) return 'deleted';
  if (!key.active) return 'inactive';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

export interface Page {
  limit: number;
  before?: string;
}
