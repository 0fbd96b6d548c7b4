import { ALL_SCOPES, type Grant } from '../domain/scopes';
import type { ApiKey, Organization, User } from '../domain/types';

// Row shapes as knex returns them from MySQL and SQLite, and their mapping to domain records.
// Booleans arrive as 0/1 and BIGINTs as numbers on both drivers.

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  created_at: number;
  updated_at: number;
}

export interface OrganizationRow {
  id: string;
  name: string;
  rate_limit_points: number | null;
  rate_limit_duration: number | null;
  send_limit_points: number | null;
  send_limit_duration: number | null;
  created_at: number;
  updated_at: number;
}

export interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string;
  key_hash: string;
  start: string;
  active: number | boolean;
  expires_at: number | null;
  last_used_at: number | null;
  deleted_at: number | null;
  /** JSON arrays (migration 004); scopes NULL reads as `["*"]`, inbox_ids NULL as all inboxes. */
  scopes: string | null;
  inbox_ids: string | null;
  rolled_to: string | null;
  rolled_from: string | null;
  created_at: number;
  updated_at: number;
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toOrganization(r: OrganizationRow): Organization {
  return {
    id: r.id,
    name: r.name,
    rateLimitPoints: num(r.rate_limit_points),
    rateLimitDuration: num(r.rate_limit_duration),
    sendLimitPoints: num(r.send_limit_points),
    sendLimitDuration: num(r.send_limit_duration),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function toApiKey(r: ApiKeyRow): ApiKey {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    keyHash: r.key_hash,
    start: r.start,
    active: Boolean(r.active),
    expiresAt: num(r.expires_at),
    lastUsedAt: num(r.last_used_at),
    deletedAt: num(r.deleted_at),
    scopes: r.scopes === null ? [ALL_SCOPES] : (JSON.parse(r.scopes) as Grant[]),
    inboxIds: r.inbox_ids === null ? null : (JSON.parse(r.inbox_ids) as string[]),
    rolledTo: r.rolled_to ?? null,
    rolledFrom: r.rolled_from ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
