import type { RedisClient } from '../infra/redisClients';
import { UnavailableError } from '../errors';
import type { RedisHealth } from '../infra/redisHealth';

/** The Redis operations the tiered caches need. */
export interface SharedStore {
  get(key: string): Promise<string | null>;
  /** `onlyIfAbsent` (SET NX) is used by cache fills, so they never overwrite a newer write. */
  set(key: string, value: string, ttlSeconds: number, onlyIfAbsent: boolean): Promise<void>;
}

/** Redis behind the circuit breaker: while it is open, calls fail at once without a command. */
export function redisSharedStore(redis: RedisClient, health: RedisHealth): SharedStore {
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    if (!health.available()) throw new UnavailableError('redis');
    try {
      return await call();
    } catch (err) {
      health.reportFailure(err);
      throw err;
    }
  };
  return {
    get: (key) => guarded(() => redis.get(key)),
    set: async (key, value, ttlSeconds, onlyIfAbsent) => {
      await guarded(() => (onlyIfAbsent ? redis.set(key, value, 'EX', ttlSeconds, 'NX') : redis.set(key, value, 'EX', ttlSeconds)));
    },
  };
}
