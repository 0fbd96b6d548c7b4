/**
 * Deterministic operation counters. Tests assert on them (queries and Redis commands per request
 * are counts, not timings) and the metrics endpoint reads them when scraped: the request path only
 * ever increments a number, so counting costs the same whether metrics are on or off.
 */
export class Counters {
  mysqlQueries = 0;
  /** Queries that read the api_keys table by hash: the key lookup behind the caches. */
  keyLookupQueries = 0;
  redisCommands = 0;
  /** Connection-level errors reported by ioredis (each failed reconnect counts). */
  redisErrors = 0;
  /** Request-path Redis calls that failed or timed out (each opens the circuit for a moment). */
  redisFailures = 0;
  redisTimeouts = 0;
  mysqlErrors = 0;
  /** Requests admitted by a fallback (in-process) bucket while Redis was unavailable. */
  degradedAdmits = 0;
  /** Failed authentications of well-formed keys, counted against the client address. */
  authFailures = 0;
  /** Requests refused with 429 too_many_failed_attempts. */
  authThrottled = 0;

  /** Lookups of the two tiered caches, by the tier that answered (TieredCache counts them). */
  readonly keyCache = new CacheStats();
  readonly orgCache = new CacheStats();
  /** Decisions of each bucket family (BucketFamily counts them). */
  readonly limiters: Record<BucketFamilyName, LimiterStats> = {
    org: new LimiterStats(),
    send: new LimiterStats(),
    login: new LimiterStats(),
    authfail: new LimiterStats(),
    register: new LimiterStats(),
  };
  /**
   * Webhook delivery attempts by outcome. The delivery worker counts each attempt once:
   * `delivered` (2xx), `retrying` (failed, another attempt is scheduled), `failed` (failed, no
   * attempt left, or the target was refused).
   */
  readonly webhookDeliveries: Record<WebhookDeliveryOutcome, number> = { delivered: 0, retrying: 0, failed: 0 };
  /** Queries of the usage flusher and pruner (their own pool, off the request path). */
  usageQueries = 0;
  /** What the usage recorder did not keep (UsageRecorder counts them). */
  readonly usageDrops = new UsageDrops();

  snapshot() {
    const { mysqlQueries, keyLookupQueries, redisCommands, redisErrors, redisFailures, redisTimeouts, mysqlErrors, degradedAdmits } = this;
    const { authFailures, authThrottled } = this;
    return { mysqlQueries, keyLookupQueries, redisCommands, redisErrors, redisFailures, redisTimeouts, mysqlErrors, degradedAdmits, authFailures, authThrottled };
  }
}

export type BucketFamilyName = 'org' | 'send' | 'login' | 'authfail' | 'register';
export type WebhookDeliveryOutcome = 'delivered' | 'retrying' | 'failed';

/** Where a tiered-cache lookup was answered. A lookup counts exactly once. */
export class CacheStats {
  /** In-process tier: a record, or a cached miss. */
  memoryHits = 0;
  memoryNegativeHits = 0;
  /** Joined a load already in flight for the same id (single-flight). */
  coalesced = 0;
  /** Redis tier: a record, a cached miss (`null`), or an error (the lookup went on to the database). */
  redisHits = 0;
  redisNegativeHits = 0;
  redisErrors = 0;
  /** Database: found, does not exist, or failed (the request then gets a 503). */
  databaseHits = 0;
  databaseMisses = 0;
  databaseErrors = 0;
}

/** Decisions of one bucket family; `degraded` ones were made by the in-process fallback bucket. */
export class LimiterStats {
  allowed = 0;
  limited = 0;
  degradedAllowed = 0;
  degradedLimited = 0;
}

/** What the usage recorder did not keep, for /metrics (sendook_usage_dropped_total). */
export class UsageDrops {
  /** A new key-minute while `maxCells` are held (the store has been down a long time). */
  usage = 0;
  clients = 0;
  logs = 0;
  /** Request-log lines left out by the per-organization sampling: by design, not a fault. */
  logsSampled = 0;
}
