import type { RedisClient } from '../infra/redisClients';
import type { RedisHealth } from '../infra/redisHealth';
import type { RedisKeys } from '../infra/redisKeys';
import type { KeyRef } from '../repositories/idempotencyKeys';

/**
 * `idem:<orgId>:<key hash>` in Redis: an Idempotency-Key whose request is running on some
 * instance. A retry that finds the marker is answered 409 with one Redis command, before any
 * database work. The database row stays the arbiter (app/services/idempotency.ts): a marker that
 * is missing (expired, lost in a failover, or never set while Redis was down) only sends the
 * request on to the database, which answers from the row.
 */
export class InProgressMarkers {
  constructor(
    private readonly redis: RedisClient,
    private readonly health: RedisHealth,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Sets the marker for `ttlMs` unless one is there: true when this call set it, false when a
   * running request holds it, null when Redis does not answer. Fails open to the database.
   */
  async hold(ref: KeyRef, owner: string, ttlMs: number): Promise<boolean | null> {
    if (!this.health.available()) return null;
    try {
      return (await this.redis.set(this.keys.idempotency(ref.organizationId, ref.keyHash), owner, 'PX', ttlMs, 'NX')) === 'OK';
    } catch (err) {
      this.health.reportFailure(err);
      return null;
    }
  }

  /** Removes the marker. One left behind by a failure here expires on its own. */
  async drop(ref: KeyRef): Promise<void> {
    if (!this.health.available()) return;
    try {
      await this.redis.del(this.keys.idempotency(ref.organizationId, ref.keyHash));
    } catch (err) {
      this.health.reportFailure(err);
    }
  }
}
