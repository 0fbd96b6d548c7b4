import type { ApiKey, Organization, User } from '../domain/types';

// Every object carries `_id` and `id` (same value) and ISO 8601 UTC times (docs/api.md).

// Overloaded so a time that cannot be null is typed `string` (app/openapi/objects.ts relies on it).
/** ISO 8601 UTC; typed `string` for a time that is never null. */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function serializeUser(user: User) {
  return {
    _id: user.id,
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
  };
}

export function serializeOrganization(org: Organization) {
  return {
    _id: org.id,
    id: org.id,
    name: org.name,
    // null: the server-wide default budget applies.
    rateLimitPoints: org.rateLimitPoints,
    rateLimitDuration: org.rateLimitDuration,
    sendLimitPoints: org.sendLimitPoints,
    sendLimitDuration: org.sendLimitDuration,
    createdAt: iso(org.createdAt),
    updatedAt: iso(org.updatedAt),
  };
}

/** Never includes the secret; `key` is added only in the creation response. */
export function serializeApiKey(key: ApiKey, pendingLastUsed?: number) {
  const lastUsed = Math.max(key.lastUsedAt ?? 0, pendingLastUsed ?? 0);
  return {
    _id: key.id,
    id: key.id,
    name: key.name,
    start: key.start,
    organizationId: key.organizationId,
    active: key.active,
    expiresAt: iso(key.expiresAt),
    lastUsedAt: lastUsed === 0 ? null : iso(lastUsed),
    scopes: key.scopes,
    inboxIds: key.inboxIds,
    rolledTo: key.rolledTo,
    rolledFrom: key.rolledFrom,
    createdAt: iso(key.createdAt),
    updatedAt: iso(key.updatedAt),
  };
}
