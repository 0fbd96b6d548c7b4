import type { Config } from '../../config';
import type { Organization } from '../domain/types';
import { perKey, type InspectRedis } from './scan';

/** A rate-limiter-flexible bucket as stored: the points consumed in this window, the window as TTL. */
export interface BucketState {
  redisKey: string;
  consumed: number;
  /** Seconds until the key expires (the bucket refills); null when there is no such key. */
  resetSeconds: number | null;
}

/** GET and PTTL of each key, in one round trip. */
export async function readBuckets(redis: InspectRedis, keys: string[]): Promise<BucketState[]> {
  const replies = await perKey(redis, keys, (pipeline, key) => pipeline.get(key).pttl(key));
  return keys.map((redisKey, i) => {
    const [getErr, value] = replies[i]?.[0] ?? [];
    const [, pttl] = replies[i]?.[1] ?? [];
    if (getErr) throw getErr;
    const ms = Number(pttl);
    return { redisKey, consumed: value === null || value === undefined ? 0 : Number(value), resetSeconds: ms > 0 ? Math.ceil(ms / 1000) : null };
  });
}

export interface BudgetView {
  points: number;
  duration: number;
  /** Where each part comes from: the organization's own override, or the server default. */
  pointsFrom: 'organization' | 'default';
  durationFrom: 'organization' | 'default';
  /** The variables of the default, e.g. RATE_LIMIT_POINTS and RATE_LIMIT_DURATION. */
  defaultVariables: [string, string];
}

/** The budget the server applies (services/organizations.ts): the override, else the default. */
export function budgetOf(org: Organization | null, config: Config, family: 'org' | 'send'): BudgetView {
  const [points, duration, defaults, env] =
    family === 'org'
      ? [org?.rateLimitPoints ?? null, org?.rateLimitDuration ?? null, config.rateLimit, 'RATE_LIMIT']
      : [org?.sendLimitPoints ?? null, org?.sendLimitDuration ?? null, config.sendLimit, 'SEND_LIMIT'];
  return {
    points: points ?? defaults.points,
    duration: duration ?? defaults.duration,
    pointsFrom: points === null ? 'default' : 'organization',
    durationFrom: duration === null ? 'default' : 'organization',
    defaultVariables: [`${env}_POINTS`, `${env}_DURATION`],
  };
}

/** e.g. `1000 per 60 s (default: RATE_LIMIT_*)` or `5 per 60 s (points: organization, window: default RATE_LIMIT_DURATION)`. */
export function describeBudget(b: BudgetView): string {
  const [pointsVar, durationVar] = b.defaultVariables;
  let from: string;
  if (b.pointsFrom === b.durationFrom) from = b.pointsFrom === 'organization' ? "the organization's own" : `default: ${pointsVar.replace('_POINTS', '_*')}`;
  else {
    const part = (what: string, source: string, variable: string) => `${what}: ${source === 'organization' ? 'organization' : `default ${variable}`}`;
    from = `${part('points', b.pointsFrom, pointsVar)}, ${part('window', b.durationFrom, durationVar)}`;
  }
  return `${b.points} per ${b.duration} s (${from})`;
}

/** Over budget for the next request: rate-limiter-flexible admits while consumed <= points. */
export const spent = (consumed: number, points: number) => consumed >= points;
