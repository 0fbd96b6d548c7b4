import type { Counters } from './counters';
import { TIMED_OUT_MESSAGE } from './redisDeadline';
import type { RedisClient } from './redisClients';

/**
 * A small circuit breaker in front of Redis on the request path. A refused connection fails at
 * once (no offline queue), but a Redis that hangs makes each command wait its full timeout; after
 * one failure we stop asking for `coolDownMs`, so only the first request of an outage pays the
 * timeout and the rest go straight to their fallbacks. Redis is asked again after the cool-down.
 */
export class RedisHealth {
  private openUntil = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly counters: Counters,
    private readonly coolDownMs = 1000,
  ) {
    // A fresh connection is the best evidence Redis answers again.
    redis.on('ready', () => (this.openUntil = 0));
  }

  /** False while disconnected or cooling down after a failure. */
  available(now = Date.now()): boolean {
    return this.redis.status === 'ready' && now >= this.openUntil;
  }

  reportFailure(err: unknown, now = Date.now()): void {
    this.counters.redisFailures++;
    if (err instanceof Error && err.message === TIMED_OUT_MESSAGE) this.counters.redisTimeouts++;
    this.openUntil = now + this.coolDownMs;
  }
}

