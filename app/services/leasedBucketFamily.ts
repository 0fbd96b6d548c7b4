import type { LimiterStats } from '../infra/counters';
import type { LeaseScript } from '../infra/leaseScript';
import type { RedisHealth } from '../infra/redisHealth';
import { decision, drop, newLease, rebudget, type Lease } from './lease';
import type { BucketFamily, Budget, RateLimitDecision, RequestBuckets } from './rateLimits';

/** A reservation never takes more than this share of what is left of the shared bucket. */
export const LEASE_SHARE = 8;
/** A reservation is at most this many times the previous one (slow start, like TCP's). */
const GROWTH = 4;
const MAX_CHUNK = 100_000;
const MAX_OWN_RESERVATIONS = 8;
/** An idle organization's state (its chunk size) is forgotten after this long. */
const FORGET_MS = 10_000;
/** Monotonic: a wall-clock step back must not stretch a reservation into the next window. */
const clock = () => performance.now();

/**
 * Lease mode (RATE_LIMIT_MODE=lease, docs/performance.md "Leased budgets"): each instance reserves
 * a chunk of an organization's shared Redis bucket with one script call and admits from it in
 * process. The shared key counts reserved points, so all instances together never admit more than
 * the budget in a window; a reservation dies with its window and unused points go back within
 * `leaseMs` of their last use, and on close. Redis failing: the exact family's insurance bucket.
 */
export class LeasedBucketFamily implements RequestBuckets {
  private readonly leases = new Map<string, Lease>();
  private readonly returning = new Set<Promise<unknown>>();
  private readonly sweepMs: number;
  private readonly sweeper: NodeJS.Timeout;
  /** The Redis server cannot run the script (before 7.0: no PEXPIRETIME): every decision is exact. */
  private unsupported = false;

  constructor(
    private readonly options: {
      script: LeaseScript;
      key: (id: string) => string;
      health: RedisHealth;
      /** Decides while Redis is unavailable (its insurance bucket: budget / INSTANCE_COUNT). */
      exact: BucketFamily;
      leaseMs: number;
      stats: LimiterStats;
      /** Told once when the Redis server is too old for leases. */
      warn?: (message: string) => void;
    },
  ) {
    // Releases happen between leaseMs - sweepMs and leaseMs after a reservation's last use.
    this.sweepMs = Math.max(5, Math.floor(options.leaseMs / 4));
    this.sweeper = setInterval(() => this.sweep(), this.sweepMs);
    this.sweeper.unref();
  }

  consume(id: string, budget: Budget, points = 1): RateLimitDecision | Promise<RateLimitDecision> {
    if (this.unsupported) return this.options.exact.consume(id, budget, points);
    let lease = this.leases.get(id);
    if (!lease) this.leases.set(id, (lease = newLease(budget)));
    return this.fromLease(lease, budget, points, clock()) ?? this.reserveAndConsume(id, lease, budget, points);
  }

  /** Points this instance holds for `id` (tests and the bench read it). */
  held(id: string): number {
    return this.leases.get(id)?.left ?? 0;
  }

  /** Gives back every reservation (graceful stop, tests). Bounded by the Redis command timeout. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.releaseAll();
  }

  async releaseAll(): Promise<void> {
    const now = clock();
    for (const [id, lease] of this.leases) if (!lease.taking && ((lease.left > 0 && now < lease.endsAt) || lease.giveBack > 0)) this.release(id, lease, true);
    await Promise.all([...this.returning]);
  }

  /** A decision without Redis, or null when Redis must be asked. */
  private fromLease(lease: Lease, budget: Budget, points: number, now: number): RateLimitDecision | null {
    if (lease.points !== budget.points || lease.duration !== budget.duration) rebudget(lease, budget, now);
    if (now >= lease.endsAt) drop(lease); // the window ended: its points are gone with the key
    if (lease.left >= points) {
      this.take(lease, points, now);
      this.options.stats.allowed++;
      // An honest lower bound: only this reservation's own points are known to be unused.
      return decision(true, lease, lease.left, now, false);
    }
    if (lease.emptyUntil > now) {
      this.options.stats.limited++;
      return decision(false, lease, 0, now, false);
    }
    return null;
  }

  private async reserveAndConsume(id: string, lease: Lease, budget: Budget, points: number): Promise<RateLimitDecision> {
    // A request either waits for the reservation in flight (and then decides from it or makes the
    // next one), or makes one itself and decides from its reply before any waiter runs. Only a
    // multi-point request can need more than one reservation of its own; that is bounded.
    for (let own = 0; own < MAX_OWN_RESERVATIONS; ) {
      if (lease.taking) {
        await lease.taking;
      } else if (!this.options.health.available()) {
        // Fail open to the bounded in-process bucket (docs/reliability.md), as exact mode does.
        return this.options.exact.consumeDegraded(id, budget, points);
      } else {
        own++;
        const outcome = await (lease.taking = this.reserve(id, lease, budget, points));
        if (outcome) return outcome;
        if (outcome === null) return this.unsupported ? this.options.exact.consume(id, budget, points) : this.options.exact.consumeDegraded(id, budget, points);
      }
      const decided = this.fromLease(lease, budget, points, clock());
      if (decided) return decided;
    }
    this.options.stats.limited++;
    return decision(false, lease, 0, clock(), false);
  }

  /**
   * One script call: gives back what is pending and reserves a chunk, then decides for the
   * request that made it. Null when Redis failed; undefined when fewer points than asked came.
   */
  private async reserve(id: string, lease: Lease, budget: Budget, points: number): Promise<RateLimitDecision | null | undefined> {
    const { giveBack, giveBackWindow } = lease;
    lease.giveBack = 0;
    const sentAt = clock();
    if (lease.takenAt > 0) {
      // Size this reservation to last about one lease time at the rate the previous one was used,
      // growing at most GROWTH times per step.
      const used = lease.granted - lease.left;
      const atThisRate = Math.ceil((used * this.options.leaseMs) / Math.max(1, sentAt - lease.takenAt));
      lease.chunk = Math.max(1, Math.min(atThisRate, lease.chunk * GROWTH, MAX_CHUNK));
    }
    try {
      const reply = await this.options.script(this.options.key(id), {
        budget: budget.points,
        windowMs: budget.duration * 1000,
        want: Math.max(lease.chunk, points - lease.left),
        share: LEASE_SHARE,
        giveBack,
        giveBackWindow,
      });
      if (reply.window !== lease.window) drop(lease);
      lease.window = reply.window;
      // What the fallback may add to this window should Redis stop answering: what is not reserved.
      this.options.exact.noteRedisWindow(id, budget.points - reply.consumed, reply.ttlMs);
      // The script ran after sentAt, so sentAt + PTTL is at or before the window's real end.
      lease.endsAt = sentAt + Math.max(0, reply.ttlMs);
      lease.left += reply.granted;
      lease.granted = lease.left;
      const now = (lease.takenAt = lease.lastUse = clock());
      if (lease.left >= points && now < lease.endsAt) {
        this.take(lease, points, now);
        this.options.stats.allowed++;
        // This request asked Redis: the shared bucket's unreserved points are known too.
        return decision(true, lease, Math.max(0, budget.points - reply.consumed) + lease.left, now, false);
      }
      if (reply.granted > 0) return undefined;
      lease.emptyUntil = Math.min(now + this.options.leaseMs, lease.endsAt);
      this.options.stats.limited++;
      return decision(false, lease, 0, now, false);
    } catch (err) {
      if (giveBack > 0 && lease.giveBack === 0) Object.assign(lease, { giveBack, giveBackWindow });
      if (err instanceof Error && /unknown redis command/i.test(err.message)) {
        // Redis answered, but is older than 7.0: count exactly rather than run degraded for good.
        if (!this.unsupported) this.options.warn?.('RATE_LIMIT_MODE=lease needs Redis 7.0 or later (PEXPIRETIME); counting exactly instead');
        this.unsupported = true;
      } else {
        this.options.health.reportFailure(err);
      }
      return null;
    } finally {
      lease.taking = null;
    }
  }

  private take(lease: Lease, points: number, now: number): void {
    lease.left -= points;
    lease.lastUse = now;
  }

  private sweep(): void {
    const now = clock();
    const idleAfter = this.options.leaseMs - this.sweepMs;
    for (const [id, lease] of this.leases) {
      if (lease.taking) continue;
      if (now >= lease.endsAt) drop(lease);
      const idle = lease.left > 0 && now - lease.lastUse >= idleAfter;
      if (idle || lease.giveBack > 0) this.release(id, lease, idle);
      else if (lease.left === 0 && lease.giveBack === 0 && now - lease.lastUse >= FORGET_MS) this.leases.delete(id);
    }
  }

  /**
   * Gives the unused points back, and any return still pending from a budget change (fire and
   * forget; a failure leaves them reserved until the window ends: under-admission only).
   */
  private release(id: string, lease: Lease, held: boolean): void {
    // While Redis is out, keep them: they are still exact to admit from, within their window.
    if (!this.options.health.available()) return;
    const returns: [number, number][] = [];
    if (lease.giveBack > 0) returns.push([lease.giveBack, lease.giveBackWindow]);
    if (held && lease.left > 0) {
      returns.push([lease.left, lease.window]);
      // This reservation was larger than what this instance used in it: ask for less next time.
      lease.chunk = Math.max(1, Math.min(lease.chunk, lease.granted - lease.left));
      drop(lease);
    }
    lease.giveBack = 0;
    for (const [points, window] of returns) {
      const returned = this.options
        .script(this.options.key(id), { budget: lease.points, windowMs: lease.duration * 1000, want: 0, share: LEASE_SHARE, giveBack: points, giveBackWindow: window })
        .catch((err: unknown) => this.options.health.reportFailure(err))
        .finally(() => this.returning.delete(returned));
      this.returning.add(returned);
    }
  }
}
