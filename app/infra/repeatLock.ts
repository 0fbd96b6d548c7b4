import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redisClients';

/** Lets one instance at a time do a periodic job: the lock is held until it expires. */
export interface RepeatLock {
  /** True when this caller holds the lock for the next `ttlMs`. */
  acquire(ttlMs: number): Promise<boolean>;
}

/** Across instances: SET NX PX on one key. */
export class RedisRepeatLock implements RepeatLock {
  private readonly token = randomBytes(8).toString('hex');

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  async acquire(ttlMs: number): Promise<boolean> {
    // Fails closed: with Redis not answering, the round is skipped and the next interval tries
    // again, rather than every instance checking at once.
    const answer = await this.redis.set(this.key, this.token, 'PX', ttlMs, 'NX').catch(() => null);
    return answer === 'OK';
  }
}

/** One instance (embedded mode): free once its time is up. */
export class LocalRepeatLock implements RepeatLock {
  private heldUntil = 0;

  async acquire(ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if (now < this.heldUntil) return false;
    this.heldUntil = now + ttlMs;
    return true;
  }
}
