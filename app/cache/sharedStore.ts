import type { RedisClient } from '../infra/redisClients';
import { UnavailableError } from '../errors';
import type { RedisHealth } from '../infra/redisHealth';

/** The Redis operations the tiered caches need. */
export interface SharedStore {
  get(key: string): Promise<string | null>;
  /** `onlyIfAbsent` (SET NX) is used by cache fills, so they never overwrite a newer write. */
  set(key: string, value: string, ttlSeconds: number, onlyIfAbsent: boolean): Promise<void>;
  /**
   * Writes `value` unless the entry already holds a JSON object whose `versionField` is greater
   * than `version`; returns what the entry holds afterwards (the winner), in one round trip.
   */
  setNewer(key: string, value: string, version: number, versionField: string, ttlSeconds: number): Promise<string>;
}

// One script, so the comparison and the write are atomic; a single key, so it runs on a cluster.
// An entry that is not a versioned object (a cached miss, `null`) is always overwritten.
const SET_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, held = pcall(cjson.decode, current)
  if ok and type(held) == 'table' then
    local version = tonumber(held[ARGV[3]])
    if version and version > tonumber(ARGV[2]) then return current end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
return ARGV[1]`;

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
    setNewer: (key, value, version, versionField, ttlSeconds) =>
      guarded(async () => String(await redis.eval(SET_NEWER, 1, key, value, version, versionField, ttlSeconds))),
  };
}
