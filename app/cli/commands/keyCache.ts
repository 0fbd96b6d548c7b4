import { keyStatus, type ApiKey, type KeyStatus } from '../../domain/types';
import { perKey, type InspectRedis } from '../scan';

/** A cache entry in Redis as an operator wants to see it. */
export interface CacheEntry {
  redisKey: string;
  present: boolean;
  ttlSeconds: number | null;
  /** The cached JSON: a record, or null for a cached miss; undefined when absent. */
  value?: unknown;
}

/** GET and PTTL of each cache key, in one round trip. */
export async function cacheEntries(redis: InspectRedis, redisKeys: string[]): Promise<CacheEntry[]> {
  const replies = await perKey(redis, redisKeys, (pipeline, key) => pipeline.get(key).pttl(key));
  return redisKeys.map((redisKey, i) => {
    const raw = replies[i]?.[0]?.[1] as string | null | undefined;
    const pttl = Number(replies[i]?.[1]?.[1]);
    if (raw === null || raw === undefined) return { redisKey, present: false, ttlSeconds: null };
    return { redisKey, present: true, ttlSeconds: pttl > 0 ? Math.ceil(pttl / 1000) : null, value: parse(raw) };
  });
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The state the request path would find (domain keyStatus, as services/keyVerifier.ts asks it). */
export function keyState(key: Pick<ApiKey, 'deletedAt' | 'active' | 'expiresAt'>, now: number): KeyStatus {
  return keyStatus({ deleted: key.deletedAt !== null, active: key.active, expiresAt: key.expiresAt }, now);
}

/** The state a cached key record says, as keyState does; 'miss' for a cached miss marker. */
export function cachedKeyState(value: unknown, now: number): string {
  if (value === null) return 'miss (no such key)';
  const v = value as { active?: boolean; expiresAt?: number | null; deleted?: boolean };
  return keyStatus({ deleted: Boolean(v.deleted), active: v.active !== false, expiresAt: v.expiresAt ?? null }, now);
}
