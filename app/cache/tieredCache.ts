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
}

/**
 * Three tiers: a bounded in-process LRU with a short TTL, then the shared store (Redis), then the
 * loader. Concurrent misses for one id share a single load (single-flight), and absent ids are
 * cached as misses so unknown keys cannot make every request reach the database.
 */
export class TieredCache<T extends object> {
  private readonly local: LRUCache<string, Slot<T>>;
  private readonly inflight = new Map<string, Promise<T | null>>();
  // Writes that could not reach Redis; replayed when it reconnects so a revocation made during
  // an outage does not leave the old state in the shared tier.
  private readonly pendingShared = new Map<string, T | null>();
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
   * Records a change made on this instance: both tiers now hold the new state. The shared tier is
   * overwritten (not deleted) so that a concurrent load, which writes with NX, cannot put back
   * the state from before the change.
   */
  async write(id: string, value: T | null): Promise<void> {
    this.invalidateLocal(id);
    this.inflight.delete(id);
    this.setLocal(id, value);
    if (!this.options.shared) return;
    try {
      await this.overwriteShared(this.options.shared, id, value);
      this.pendingShared.delete(id);
    } catch {
      this.pendingShared.set(id, value);
    }
  }

  /** Replays writes that Redis missed; called on every (re)connect. */
  async flushPending(): Promise<void> {
    const shared = this.options.shared;
    if (!shared) return;
    for (const [id, value] of [...this.pendingShared]) {
      try {
        await this.overwriteShared(shared, id, value);
      } catch {
        return; // still down: the next reconnect tries again
      }
      if (this.pendingShared.get(id) === value) this.pendingShared.delete(id);
    }
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

  // Unconditional (not NX): a change must replace whatever a concurrent load put there.
  private overwriteShared(shared: SharedStore, id: string, value: T | null): Promise<void> {
    return shared.set(this.options.sharedKey(id), this.encode(value), this.ttlFor(value), false);
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
