import type { CountingRedis } from '../infra/redis';

/** The Redis operations the tiered caches need. */
export interface SharedStore {
  get(key: string): Promise<string | null>;
  /** `onlyIfAbsent` (SET NX) is used by cache fills, so they never overwrite a newer write. */
  set(key: string, value: string, ttlSeconds: number, onlyIfAbsent: boolean): Promise<void>;
}

export function redisSharedStore(redis: CountingRedis): SharedStore {
  return {
    get: (key) => redis.get(key),
    set: async (key, value, ttlSeconds, onlyIfAbsent) => {
      if (onlyIfAbsent) await redis.set(key, value, 'EX', ttlSeconds, 'NX');
      else await redis.set(key, value, 'EX', ttlSeconds);
    },
  };
}
