import type { Budget, RateLimitDecision } from './rateLimits';

/** This instance's part of one organization's bucket. */
export interface Lease {
  points: number;
  duration: number;
  policy: string;
  /** The bucket's absolute expiry in Redis when reserved: names the window the points belong to. */
  window: number;
  /** From then on (monotonic clock) the points are not used: request sent + PTTL, never after the real end. */
  endsAt: number;
  /** Reserved points not yet admitted. */
  left: number;
  /** Size of the current reservation, and when it was made (for the rate estimate). */
  granted: number;
  takenAt: number;
  lastUse: number;
  /** Points asked for at the next reservation: about what this instance admits in one lease time. */
  chunk: number;
  /** The shared bucket had nothing left: refuse without asking Redis until then. */
  emptyUntil: number;
  /** Points to give back with the next script call (the budget changed, or a return failed). */
  giveBack: number;
  giveBackWindow: number;
  /** The reservation in flight; concurrent requests wait for it instead of each asking Redis. */
  taking: Promise<unknown> | null;
}

export function newLease(budget: Budget): Lease {
  return {
    points: budget.points,
    duration: budget.duration,
    policy: `${budget.points};w=${budget.duration}`,
    window: -2,
    endsAt: 0,
    left: 0,
    granted: 0,
    takenAt: 0,
    lastUse: 0,
    chunk: 1,
    emptyUntil: 0,
    giveBack: 0,
    giveBackWindow: -2,
    taking: null,
  };
}

/** The held points are gone (their window ended) or given back: they count as not used. */
export function drop(lease: Lease): void {
  lease.granted -= lease.left;
  lease.left = 0;
}

/** The organization's budget changed: what is held goes back (next reservation or sweep). */
export function rebudget(lease: Lease, budget: Budget, now: number): void {
  if (lease.left > 0 && now < lease.endsAt) Object.assign(lease, { giveBack: lease.left, giveBackWindow: lease.window });
  drop(lease);
  Object.assign(lease, {
    points: budget.points,
    duration: budget.duration,
    policy: `${budget.points};w=${budget.duration}`,
    emptyUntil: 0,
  });
}

export function decision(allowed: boolean, lease: Lease, remaining: number, now: number, degraded: boolean): RateLimitDecision {
  return {
    allowed,
    limit: lease.points,
    remaining: Math.max(0, Math.min(lease.points, remaining)),
    resetSeconds: Math.max(0, Math.ceil((lease.endsAt - now) / 1000)),
    policy: lease.policy,
    degraded,
  };
}
