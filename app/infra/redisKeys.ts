/**
 * Every Redis key and channel name this server uses, built from REDIS_PREFIX in one place so the
 * layout documented in the README ("Operating") is the one the code uses.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Cached key record or miss marker, by SHA-256 hex of the secret. */
  apiKey(hash: string): string {
    return `${this.prefix}apikey:${hash}`;
  }
  /** Cached organization. */
  org(orgId: string): string {
    return `${this.prefix}org:${orgId}`;
  }
  /** Channel carrying cache invalidations between instances. */
  get invalidateChannel(): string {
    return `${this.prefix}invalidate`;
  }
  /**
   * BullMQ's key prefix: it writes `<prefix>{bull}:<queue>:<...>`, i.e. webhook deliveries live
   * under `{bull}:webhooks:` (waiting, delayed, active, failed, and one hash per job). BullMQ's
   * scripts touch several keys of a queue at once, so on a Redis Cluster they must share a slot:
   * the hash tag `{bull}` does that, and REDIS_PREFIX stays in front, as for every other key.
   */
  get bullPrefix(): string {
    return `${this.prefix}{bull}`;
  }
  /**
   * No hash tag on purpose: every script on a bucket (rate-limiter-flexible's, and the leases of
   * RATE_LIMIT_MODE=lease) touches that ONE key, so buckets spread over all masters of a cluster.
   * rate-limiter-flexible appends `:<key>` to its keyPrefix, so a bucket lives at
   * `<prefix>rl:<family>:<key>`: rl:org:<orgId>, rl:send:<orgId>, rl:authfail:<address>, ...
   * (rl:smtp:<client address>: mail received over SMTP per sending client and minute)
   */
  limiterPrefix(family: 'org' | 'send' | 'authfail' | 'login' | 'register' | 'smtp'): string {
    return `${this.prefix}rl:${family}`;
  }
  /** Held by the instance re-checking verified domains this interval (DOMAIN_RECHECK_HOURS). */
  get domainRecheckLock(): string {
    return `${this.prefix}lock:domain-recheck`;
  }
  /** One bucket, as rate-limiter-flexible names it, for code that scripts it itself (lease mode). */
  bucket(family: 'org' | 'send' | 'authfail' | 'login', id: string): string {
    return `${this.limiterPrefix(family)}:${id}`;
  }
}
