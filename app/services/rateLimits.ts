import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LimiterStats, type Counters } from '../infra/counters';
import type { RedisClient } from '../infra/redisClients';
import type { RedisHealth } from '../infra/redisHealth';

export interface Budget {
  points: number;
  duration: number;
}

/** What a consume decided; becomes the RateLimit-* headers. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket refills. */
  resetSeconds: number;
  /** e.g. `1000;w=60` */
  policy: string;
  /** True when Redis did not answer and the in-process fallback bucket decided. */
  degraded: boolean;
}

/**
 * What the request path draws from: BucketFamily (exact, one Redis call per request) or
 * LeasedBucketFamily (reserved chunks). A decision made in process comes back as a value, not a
 * promise, so a warm lease-mode request has no await here.
 */
export interface RequestBuckets {
  consume(id: string, budget: Budget, points?: number): RateLimitDecision | Promise<RateLimitDecision>;
  /** Gives back what is held in process (graceful stop). */
  close(): Promise<void>;
}

/**
 * Distinct budgets whose limiters are kept. Each organization may have its own budget, so the
 * memo is bounded; past it the least recently used pair is dropped. A dropped pair only loses
 * in-process state of its fallback bucket (the Redis bucket is a key in Redis), i.e. during an
 * outage with more distinct budgets in use than this, an insurance bucket may restart.
 */
export const MAX_LIMITER_PAIRS = 1000;
/** Buckets whose last Redis window is remembered for the fallback's cap (see RedisWindow). */
export const MAX_REMEMBERED_WINDOWS = 10_000;

/**
 * The window Redis last decided in for one bucket, as this instance saw it. While Redis does not
 * answer, the fallback admits in that window at most `unused / INSTANCE_COUNT` more (`added`
 * counts them): the points Redis already admitted are never admitted again on top of them.
 */
interface RedisWindow {
  /** Points of the budget Redis had not given out at its last answer (admitted or reserved). */
  unused: number;
  /** Date.now() at which the window ends. */
  endsAt: number;
  /** Points the fallback admitted in this window. */
  added: number;
}

interface LimiterPair {
  primary: RateLimiterAbstract;
  /** Used only while the primary (Redis) fails; its budget is divided by INSTANCE_COUNT. */
  fallback: RateLimiterAbstract | null;
  policy: string;
}

/**
 * One family of buckets (requests per organization, sends per organization, ...) keyed by an id,
 * with budgets that may differ per id. Limiters are memoised per budget; all of them share the
 * key prefix, so an organization's bucket is the same Redis key whatever its budget.
 */
export class BucketFamily implements RequestBuckets {
  private readonly limiters = new LRUCache<string, LimiterPair>({ max: MAX_LIMITER_PAIRS });
  // Budgets are memoised per organization object, so most lookups end here without a string key.
  private readonly byBudget = new WeakMap<Budget, LimiterPair>();
  private readonly redisWindows = new LRUCache<string, RedisWindow>({ max: MAX_REMEMBERED_WINDOWS });
  private readonly stats: LimiterStats;

  constructor(
    private readonly options: {
      redis: RedisClient | null;
      /** Required with `redis`: consumes skip Redis while its circuit is open. */
      health?: RedisHealth | null;
      keyPrefix: string;
      instanceCount: number;
      counters: Counters;
      /** Created at construction, i.e. at boot; see below. */
      defaultBudget: Budget;
      /** Once over budget, keep the bucket full for this many seconds (failed-auth lockout). */
      blockSeconds?: number;
      /** Decisions, for /metrics. */
      stats?: LimiterStats;
    },
  ) {
    this.stats = options.stats ?? new LimiterStats();
    // RateLimiterRedis defines its Lua command on the client when constructed. With ioredis
    // auto-pipelining (off today, see app/infra/redis.ts), a pipeline opened before that
    // definition lacks the command and ioredis crashes on its results, so at least one limiter
    // is made before any traffic.
    this.limiterFor(options.defaultBudget);
  }

  async consume(id: string, budget: Budget, points = 1): Promise<RateLimitDecision> {
    const pair = this.limiterFor(budget);
    const health = this.options.health;
    // Fail open to a bounded in-process bucket rather than refusing all traffic: Redis being
    // down is our fault, not the client's, and the fallback bucket caps what one instance admits.
    if (pair.fallback && health && !health.available()) return this.consumeFallback(pair, id, budget, points);
    try {
      const res = await pair.primary.consume(id, points);
      if (pair.fallback) this.noteRedisWindow(id, res.remainingPoints, res.msBeforeNext);
      return this.decision(res, true, budget, pair, false);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        if (pair.fallback) this.noteRedisWindow(id, err.remainingPoints, err.msBeforeNext);
        return this.decision(err, false, budget, pair, false);
      }
      if (!pair.fallback) throw err;
      health?.reportFailure(err);
      return this.consumeFallback(pair, id, budget, points);
    }
  }

  /** The in-process insurance bucket alone (budget / INSTANCE_COUNT): for callers that know Redis is down. */
  async consumeDegraded(id: string, budget: Budget, points = 1): Promise<RateLimitDecision> {
    const pair = this.limiterFor(budget);
    if (!pair.fallback) throw new Error('consumeDegraded needs a Redis-backed family');
    return this.consumeFallback(pair, id, budget, points);
  }

  /** Nothing is held in process between calls. */
  async close(): Promise<void> {}

  /** Limiter pairs held (bounded by MAX_LIMITER_PAIRS). */
  get limiterCount(): number {
    return this.limiters.size;
  }

  /** Peeks at a bucket without consuming (for responses that draw from several buckets). */
  async get(id: string, budget: Budget): Promise<RateLimiterRes | null> {
    return this.limiterFor(budget).primary.get(id);
  }

  /**
   * What Redis last said of a bucket's window: `unused` points of the budget not yet given out,
   * `msLeft` until it ends. Lease mode tells it from its reservations (unused = not reserved).
   */
  noteRedisWindow(id: string, unused: number, msLeft: number): void {
    const now = Date.now();
    const known = this.redisWindows.get(id);
    // Still the same window: keep what the fallback added in it (Redis does not know of it).
    if (known && now < known.endsAt) {
      known.unused = Math.max(0, unused);
      known.endsAt = now + msLeft;
    } else {
      this.redisWindows.set(id, { unused: Math.max(0, unused), endsAt: now + msLeft, added: 0 });
    }
  }

  /**
   * Degraded admission: the insurance bucket (budget / INSTANCE_COUNT per window), and in a
   * window where Redis already admitted, at most the unused remainder it last reported, divided
   * by INSTANCE_COUNT. So one instance never admits more than the budget in that window, and
   * several add together at most the remainder they last saw (docs/performance.md, "Redis faults").
   */
  private async consumeFallback(pair: LimiterPair, id: string, budget: Budget, points: number) {
    const window = this.redisWindows.get(id);
    const now = Date.now();
    const capped = window !== undefined && now < window.endsAt ? window : null;
    if (capped) {
      if (capped.added + points > Math.floor(capped.unused / this.options.instanceCount)) {
        return this.decision(new RateLimiterRes(0, capped.endsAt - now, 0, false), false, budget, pair, true);
      }
      // Counted before the await, so that concurrent requests see it; undone if refused.
      capped.added += points;
    }
    try {
      const res = await pair.fallback!.consume(id, points);
      this.options.counters.degradedAdmits++;
      return this.decision(res, true, budget, pair, true);
    } catch (err) {
      if (capped) capped.added -= points;
      if (err instanceof RateLimiterRes) return this.decision(err, false, budget, pair, true);
      throw err;
    }
  }

  private decision(res: RateLimiterRes, allowed: boolean, budget: Budget, pair: LimiterPair, degraded: boolean): RateLimitDecision {
    const stats = this.stats;
    if (degraded) {
      if (allowed) stats.degradedAllowed++;
      else stats.degradedLimited++;
    } else if (allowed) stats.allowed++;
    else stats.limited++;
    return {
      allowed,
      limit: budget.points,
      remaining: Math.max(0, Math.min(budget.points, res.remainingPoints)),
      resetSeconds: Math.max(0, Math.ceil(res.msBeforeNext / 1000)),
      policy: pair.policy,
      degraded,
    };
  }

  private limiterFor(budget: Budget): LimiterPair {
    const known = this.byBudget.get(budget);
    if (known) return known;
    const id = `${budget.points}/${budget.duration}`;
    let pair = this.limiters.get(id);
    if (!pair) {
      pair = this.createPair(budget);
      this.limiters.set(id, pair);
    }
    this.byBudget.set(budget, pair);
    return pair;
  }

  private createPair({ points, duration }: Budget): LimiterPair {
    const { redis, keyPrefix, instanceCount } = this.options;
    const blockDuration = this.options.blockSeconds ?? 0;
    const policy = `${points};w=${duration}`;
    if (!redis) return { primary: new RateLimiterMemory({ keyPrefix, points, duration, blockDuration }), fallback: null, policy };
    return {
      primary: new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration, blockDuration, rejectIfRedisNotReady: true }),
      fallback: new RateLimiterMemory({
        keyPrefix,
        points: Math.max(1, Math.floor(points / instanceCount)),
        duration,
        blockDuration,
      }),
      policy,
    };
  }
}
