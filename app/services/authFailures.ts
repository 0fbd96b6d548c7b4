import type { Counters, LimiterStats } from '../infra/counters';
import type { RedisClient } from '../infra/redisClients';
import type { RedisHealth } from '../infra/redisHealth';
import { BucketFamily } from './rateLimits';

/**
 * Throttles failed authentications per client address (docs/reliability.md#hostile-input).
 * Failures are counted in Redis (`rl:authfail:<address>`) so instances share them; once an
 * address is over its budget it is also remembered here, so further requests from it are refused
 * without Redis or MySQL work.
 */
export class AuthFailureThrottle {
  private readonly bucket: BucketFamily;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly options: {
      redis: RedisClient | null;
      health: RedisHealth | null;
      keyPrefix: string;
      points: number;
      duration: number;
      blockSeconds: number;
      instanceCount: number;
      counters: Counters;
      stats?: LimiterStats;
    },
  ) {
    this.bucket = new BucketFamily({ ...options, defaultBudget: options, blockSeconds: options.blockSeconds });
  }

  /** Seconds the address must still wait, or 0. Pure in-process check. */
  secondsBlocked(address: string, now = Date.now()): number {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return 0;
    if (until <= now) {
      this.blockedUntil.delete(address);
      return 0;
    }
    // The caller refuses the request with this answer.
    this.options.counters.authThrottled++;
    return Math.ceil((until - now) / 1000);
  }

  /** Counts one failure; returns the seconds to wait when this failure crossed the budget. */
  async recordFailure(address: string, now = Date.now()): Promise<number> {
    this.options.counters.authFailures++;
    const decision = await this.bucket.consume(address, this.options);
    if (decision.allowed) return 0;
    this.options.counters.authThrottled++;
    // The Redis bucket itself stays full for blockSeconds (blockDuration), so every instance
    // refuses the address on its next failure there; this one remembers it locally as well.
    const seconds = Math.max(1, decision.resetSeconds);
    this.blockedUntil.set(address, now + seconds * 1000);
    return seconds;
  }
}
