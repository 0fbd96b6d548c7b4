import type { Organization } from './types';

/** A rate-limit budget: `points` per `duration` seconds. */
export interface BudgetPair {
  points: number;
  duration: number;
}

export type BudgetFamily = 'requests' | 'sends';

/** The organization's own budget of a family, parts that are null taking the server default. */
export function effectiveBudget(org: Pick<Organization, 'rateLimitPoints' | 'rateLimitDuration' | 'sendLimitPoints' | 'sendLimitDuration'>, family: BudgetFamily, defaults: BudgetPair): BudgetPair {
  const [points, duration] = family === 'requests' ? [org.rateLimitPoints, org.rateLimitDuration] : [org.sendLimitPoints, org.sendLimitDuration];
  return { points: points ?? defaults.points, duration: duration ?? defaults.duration };
}

/**
 * Whether `budget` gives no more than `ceiling` on either axis that matters: the burst (points in
 * one window) and the sustained rate (points per second). Comparing points alone would let an
 * owner keep the points and shorten the window (1000 per 1 s instead of per 60 s); comparing the
 * rate alone would let a long window hold a burst far above the default (100 000 per 100 min).
 * Integers are cross-multiplied, so there is no rounding.
 */
export function withinBudget(budget: BudgetPair, ceiling: BudgetPair): boolean {
  return budget.points <= ceiling.points && budget.points * ceiling.duration <= ceiling.points * budget.duration;
}
