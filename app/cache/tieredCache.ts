import { LRUCache } from 'lru-cache';
import { CacheStats } from '../infra/counters';
import type { SharedStore } from './sharedStore';

// In-process marker for "looked up, does not exist" (the negative cache).
const MISS = Symbol('miss');
type Slot<T> = T | typeof MISS;

export interface TieredCacheOptions<T> {
  local: { max: number; ttlMs: number; negativeTtlMs: number };
  /** Redis, or null in embedded mode. */
  shared: SharedStore | null;
  sharedKey: (id: string) => string;
  sharedTtlSeconds: number;
  negativeSharedTtlSeconds: number;
  /** The source of truth (MySQL/SQLite); null means "does not exist". */
  load: (id: string) => Promise<T | null>;
  /** Benchmark baseline (KEY_CACHE_DISABLED): read neither tier; see get(). */
  disabled?: boolean;
  /** Where lookups were answered, for /metrics; plain increments, nothing else on the hot path. */
  stats?: CacheStats;
  /**
   * A numeric field every change moves strictly forward (updated_at). With it, writes are
   * compare-and-set in both tiers: a write that lands late never replaces a newer state.
   */
  versionField?: keyof T & string;
  /**
   * Called after a write that Redis missed has reached it on a retry: other instances may have
   * re-read the old state from Redis meanwhile, so the caller tells them to drop their copies.
   */
  onLateWrite?: (id: string) => void;
}

// Retries of writes Redis missed: soon (the circuit breaker's cool-down is a second), then less often.
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/**
 * Three tiers: a bounded in-process LRU with a short TTL, then the shared store (Redis), then the
 * loader. Concurrent misses for one id share a single load (single-flight), and absent ids are
 * cached as misses so unknown keys cannot make every request reach the database.
 */
export class TieredCache<T extends object> {
  private readonly local: LRUCache<string, Slot<T>>;
  private readonly inflight = new Map<string, Promise<T | null>>();
  // Writes that could not reach Redis, retried on a timer until they do (and at once on every
  // reconnect), so a revocation made while Redis is down or its circuit is open does not leave
  // the old state in the shared tier. A connection that never dropped never emits 'ready'.
  private readonly pendingShared = new Map<string, T | null>();
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = RETRY_FIRST_MS;
  private closed = false;
  // Bumped on every invalidation. A load that started before an invalidation must not put its
  // (possibly stale) result into the in-process tier.
  private epoch = 0;
  private readonly stats: CacheStats;

  constructor(private readonly options: TieredCacheOptions<T>) {
    this.stats = options.stats ?? new CacheStats();
    this.local = new LRUCache<string, Slot<T>>({
      max: options.local.max,
      ttl: Math.max(1, options.local.ttlMs),
      ttlResolution: 10,
    });
  }

  get(id: string): Promise<T | null> {
    const hit = this.peek(id);
    return hit === undefined ? this.miss(id) : Promise.resolve(hit);
  }

  /**
   * The in-process tier only, synchronously: the record, null for a cached miss, undefined when
   * this process does not hold the id (then call get). The request path uses it to answer warm
   * keys without a promise; a hit counts in the stats exactly as one through get.
   */
  peek(id: string): T | null | undefined {
    // The caches-disabled baseline bypasses both tiers and the single-flight too, so that every
    // request costs exactly one database lookup: the cost the caches exist to avoid.
    if (this.options.disabled) return undefined;
    const hit = this.local.get(id);
    if (hit === undefined) return undefined;
    if (hit === MISS) {
      this.stats.memoryNegativeHits++;
      return null;
    }
    this.stats.memoryHits++;
    return hit;
  }

  private miss(id: string): Promise<T | null> {
    if (this.options.disabled) return this.options.load(id);
    const running = this.inflight.get(id);
    if (running) {
      this.stats.coalesced++;
      return running;
    }
    const started = this.fetch(id).finally(() => this.inflight.delete(id));
    this.inflight.set(id, started);
    return started;
  }

  /** Whether the in-process tier holds this id right now (for operators and tests). */
  hasLocal(id: string): boolean {
    return this.local.has(id);
  }

  /** Drops the in-process copy (another instance changed the record). */
  invalidateLocal(id: string): void {
    this.epoch++;
    this.local.delete(id);
  }

  clearLocal(): void {
    this.epoch++;
    this.local.clear();
  }

  /**
   * Records a change made on this instance: both tiers now hold the new state (or a newer one).
   * The shared tier is overwritten (not deleted) so that a concurrent load, which writes with NX,
   * cannot put back the state from before the change; with a version field the overwrite is a
   * compare-and-set, so of two racing writes the newer state wins whichever lands last.
   */
  async write(id: string, value: T | null): Promise<void> {
    const held = this.local.peek(id);
    this.invalidateLocal(id);
    this.inflight.delete(id);
    // Effective on this instance before Redis answers (or when it cannot).
    this.setLocal(id, held !== undefined && held !== MISS && this.isNewer(held, value) ? held : value);
    const epoch = this.epoch;
    if (!this.options.shared) return;
    let stored: T | null;
    try {
      stored = await this.overwriteShared(this.options.shared, id, value);
    } catch {
      this.park(id, value);
      return;
    }
    if (this.pendingShared.has(id) && !this.isNewer(this.pendingShared.get(id)!, stored)) this.pendingShared.delete(id);
    // What Redis holds now is the truth; unless an invalidation came in meanwhile, in which case
    // the next lookup reads it from Redis.
    if (epoch === this.epoch) this.setLocal(id, stored);
    else this.local.delete(id);
  }

  /** Retries the writes Redis missed; on a timer while any is pending, and on every (re)connect. */
  async flushPending(): Promise<void> {
    const shared = this.options.shared;
    if (!shared) return;
    for (const [id, value] of [...this.pendingShared]) {
      try {
        await this.overwriteShared(shared, id, value);
      } catch {
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS);
        this.scheduleRetry();
        return;
      }
      if (this.pendingShared.get(id) === value) this.pendingShared.delete(id);
      this.options.onLateWrite?.(id);
    }
    this.retryDelayMs = RETRY_FIRST_MS;
  }

  /** Writes waiting for Redis (for operators and tests). */
  get pendingWrites(): number {
    return this.pendingShared.size;
  }

  /** Stops the retry timer (shutdown); what is still pending is lost with the process. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private park(id: string, value: T | null): void {
    const parked = this.pendingShared.get(id);
    if (parked === undefined || !this.isNewer(parked, value)) this.pendingShared.set(id, value);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flushPending();
    }, this.retryDelayMs);
    // Pending writes must not keep a process alive that is otherwise done.
    this.retryTimer.unref();
  }

  /** Whether `a` is a strictly newer version than `b` (never, without a version field). */
  private isNewer(a: T | null, b: T | null): boolean {
    const field = this.options.versionField;
    if (!field || a === null || b === null) return false;
    return Number(a[field]) > Number(b[field]);
  }

  private async fetch(id: string): Promise<T | null> {
    const epoch = this.epoch;
    const shared = this.options.shared;
    const key = this.options.sharedKey(id);
    if (shared) {
      // Redis trouble is not an answer: fall through to the database, which is authoritative.
      const raw = await shared.get(key).catch(() => {
        this.stats.redisErrors++;
        return undefined;
      });
      if (raw !== undefined && raw !== null) {
        const value = this.decode(raw);
        if (value === null) this.stats.redisNegativeHits++;
        else this.stats.redisHits++;
        if (epoch === this.epoch) this.setLocal(id, value);
        return value;
      }
    }
    const value = await this.options.load(id).catch((err: unknown) => {
      this.stats.databaseErrors++;
      throw err;
    });
    if (value === null) this.stats.databaseMisses++;
    else this.stats.databaseHits++;
    if (epoch === this.epoch) this.setLocal(id, value);
    if (shared) void shared.set(key, this.encode(value), this.ttlFor(value), true).catch(() => undefined);
    return value;
  }

  // Not NX: a change must replace whatever a concurrent load put there. Returns what Redis holds
  // afterwards: the value, or a newer one a racing write stored first.
  private async overwriteShared(shared: SharedStore, id: string, value: T | null): Promise<T | null> {
    const key = this.options.sharedKey(id);
    const field = this.options.versionField;
    if (!field || value === null) {
      await shared.set(key, this.encode(value), this.ttlFor(value), false);
      return value;
    }
    return this.decode(await shared.setNewer(key, this.encode(value), Number(value[field]), field, this.ttlFor(value)));
  }

  private setLocal(id: string, value: T | null): void {
    if (value === null) this.local.set(id, MISS, { ttl: Math.max(1, this.options.local.negativeTtlMs) });
    else this.local.set(id, value);
  }

  private ttlFor(value: T | null): number {
    return value === null ? this.options.negativeSharedTtlSeconds : this.options.sharedTtlSeconds;
  }

  // A miss is stored as the JSON literal `null`, so an operator reading the key sees it plainly.
  private encode(value: T | null): string {
    return JSON.stringify(value);
  }

  private decode(raw: string): T | null {
    return JSON.parse(raw) as T | null;
  }
}
