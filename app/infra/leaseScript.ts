import type { RedisClient } from './redisClients';

/**
 * Reserves points of a bucket and/or gives unused ones back, atomically and touching only the
 * bucket's own key (so it is Redis-Cluster safe without hash tags). The key keeps the layout of
 * rate-limiter-flexible's buckets: points consumed (here: reserved) in the window, expiring at the
 * window's end, so exact-mode and lease-mode instances can share one bucket.
 *
 * A window is named by the key's absolute expiry (PEXPIRETIME, Redis 7.0+): points go back only
 * into the window they were taken from, since returning them to a newer window would let it admit
 * more than its budget. A reservation never takes more than 1/share of what is left, so chunks
 * shrink near exhaustion down to one point per call (an exact consume).
 *
 * KEYS[1] bucket; ARGV budget, windowMs, want, share, giveBack, giveBackWindow.
 * Returns granted, consumed after, window (absolute expiry, -2 when there is no key) and PTTL.
 */
const LUA = `
local budget = tonumber(ARGV[1])
local want = tonumber(ARGV[3])
local share = tonumber(ARGV[4])
local giveBack = tonumber(ARGV[5])
local window = redis.call('PEXPIRETIME', KEYS[1])
local consumed = tonumber(redis.call('GET', KEYS[1]) or '0')
if giveBack > 0 and window > 0 and window == tonumber(ARGV[6]) and consumed > 0 then
  consumed = redis.call('DECRBY', KEYS[1], math.min(giveBack, consumed))
end
if want > 0 and window == -1 then
  -- A bucket without expiry would never refill: give it one window.
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  window = redis.call('PEXPIRETIME', KEYS[1])
end
local granted = 0
local left = budget - consumed
if want > 0 and left > 0 then
  granted = math.min(want, math.max(1, math.floor(left / share)))
  if window < 0 then
    redis.call('SET', KEYS[1], consumed + granted, 'PX', ARGV[2])
    window = redis.call('PEXPIRETIME', KEYS[1])
  else
    redis.call('INCRBY', KEYS[1], granted)
  end
  consumed = consumed + granted
end
local ttl = -1
if window > 0 then ttl = redis.call('PTTL', KEYS[1]) end
return {granted, consumed, window, ttl}
`;

const COMMAND = 'sendookLease';

export interface LeaseRequest {
  budget: number;
  windowMs: number;
  /** Points to reserve (0: only give back). */
  want: number;
  /** Never reserve more than 1/share of what is left. */
  share: number;
  giveBack: number;
  /** The window `giveBack` was reserved in; ignored when it is not the key's current one. */
  giveBackWindow: number;
}

export interface LeaseReply {
  granted: number;
  consumed: number;
  window: number;
  ttlMs: number;
}

export type LeaseScript = (key: string, request: LeaseRequest) => Promise<LeaseReply>;

/** Defines the script on the client (EVALSHA, EVAL once after a Redis restart) and returns a caller. */
export function defineLeaseScript(redis: RedisClient): LeaseScript {
  redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: LUA });
  const call = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<number[]>>)[COMMAND]!.bind(redis);
  return async (key, r) => {
    const [granted, consumed, window, ttlMs] = await call(key, r.budget, r.windowMs, r.want, r.share, r.giveBack, r.giveBackWindow);
    return { granted: granted!, consumed: consumed!, window: window!, ttlMs: ttlMs! };
  };
}
