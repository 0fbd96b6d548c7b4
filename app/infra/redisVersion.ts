import type { Logger } from 'pino';
import type { RedisClient } from './redisClients';

/** Lease mode's script names a window by PEXPIRETIME, a Redis 7.0 command (app/infra/leaseScript.ts). */
export const LEASE_MIN_REDIS_MAJOR = 7;

/** The major version in an `INFO server` reply (`redis_version:7.2.4`), or null when absent. */
export function redisMajorVersion(info: string): number | null {
  const match = /^redis_version:(\d+)\./m.exec(info);
  return match ? Number(match[1]) : null;
}

/**
 * The request bucket's mode on a Redis whose `INFO server` reply is `info`: lease needs 7.0 or
 * later, so an older Redis gets exact mode and a reason to log. Pure, for its unit test.
 */
export function rateLimitModeFor(configured: 'exact' | 'lease', info: string): { mode: 'exact' | 'lease'; reason?: string } {
  const major = redisMajorVersion(info);
  if (configured !== 'lease' || major === null || major >= LEASE_MIN_REDIS_MAJOR) return { mode: configured };
  return { mode: 'exact', reason: `RATE_LIMIT_MODE: exact, not lease: leased budgets need Redis ${LEASE_MIN_REDIS_MAJOR}.0 or later (PEXPIRETIME) and this Redis is ${major}.x` };
}

/**
 * rateLimitModeFor on the configured Redis, logging the reason once. When Redis does not answer at
 * boot the configured mode stands (the limiter runs degraded until Redis answers).
 */
export async function rateLimitModeOn(redis: RedisClient, configured: 'exact' | 'lease', logger: Logger): Promise<'exact' | 'lease'> {
  if (configured !== 'lease') return configured;
  const info = await redis.info('server').catch(() => '');
  const { mode, reason } = rateLimitModeFor(configured, info);
  if (reason) logger.warn(reason);
  return mode;
}
