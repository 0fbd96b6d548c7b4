/** One answer that went through the organization's bucket (it carries the RateLimit-* headers). */
export interface Observation {
  orgId: string;
  /** When the answer arrived, in ms on the load generator's monotonic clock. */
  atMs: number;
  /** false for a 429 rate_limited. */
  accepted: boolean;
  /** RateLimit-Reset: whole seconds until the bucket refills, rounded up. */
  resetSeconds: number;
  /** From RateLimit-Policy, `<points>;w=<seconds>`. */
  limit: number;
  windowSeconds: number;
  /** Sendook-Degraded: decided by an instance's in-process fallback bucket while Redis was down. */
  degraded: boolean;
}

export interface WindowReport {
  orgId: string;
  /** Earliest and latest moment the window can have ended, on the same clock as atMs. */
  endsBetweenMs: [number, number];
  limit: number;
  accepted: number;
  rejected: number;
  degraded: number;
  overAdmitted: number;
}

export interface BudgetReport {
  windows: WindowReport[];
  overAdmitted: number;
  /** Organizations whose window is too short to tell windows apart from whole-second headers. */
  unchecked: string[];
}

/**
 * Groups each organization's answers into its rate-limit windows and counts the accepted ones.
 *
 * The server says when the window ends only as RateLimit-Reset, whole seconds rounded up, measured
 * at some moment between sending and receiving. So each answer places the end of its window in
 * an interval a second (plus the worst latency) wide, on the client's own clock (no clock
 * agreement with the server is needed). Answers of one window share its end, so their intervals
 * overlap; answers of consecutive windows cannot, as long as the window is longer than twice the
 * interval. Any window with more accepted answers than its limit is over-admission.
 */
export function checkBudgets(observations: Observation[], maxLatencyMs: number): BudgetReport {
  const byOrg = new Map<string, Observation[]>();
  for (const o of observations) {
    const list = byOrg.get(o.orgId);
    if (list) list.push(o);
    else byOrg.set(o.orgId, [o]);
  }
  const windows: WindowReport[] = [];
  const unchecked: string[] = [];
  for (const [orgId, list] of byOrg) {
    const shortest = Math.min(...list.map((o) => o.windowSeconds));
    if (shortest * 1000 <= 2 * (1000 + maxLatencyMs)) {
      unchecked.push(orgId);
      continue;
    }
    windows.push(...windowsOf(orgId, list, maxLatencyMs));
  }
  return { windows, overAdmitted: windows.reduce((n, w) => n + w.overAdmitted, 0), unchecked };
}

function windowsOf(orgId: string, list: Observation[], maxLatencyMs: number): WindowReport[] {
  const intervals = list
    .map((o) => ({ o, lo: o.atMs - maxLatencyMs + (o.resetSeconds - 1) * 1000, hi: o.atMs + o.resetSeconds * 1000 }))
    .sort((a, b) => a.lo - b.lo);
  const windows: WindowReport[] = [];
  let current: WindowReport | null = null;
  for (const { o, lo, hi } of intervals) {
    if (!current || lo > current.endsBetweenMs[1]) {
      current = { orgId, endsBetweenMs: [lo, hi], limit: o.limit, accepted: 0, rejected: 0, degraded: 0, overAdmitted: 0 };
      windows.push(current);
    } else {
      current.endsBetweenMs = [Math.max(current.endsBetweenMs[0], lo), Math.min(current.endsBetweenMs[1], hi)];
    }
    // A budget raised during the run must not be read as over-admission: take the largest limit.
    current.limit = Math.max(current.limit, o.limit);
    if (o.accepted) current.accepted++;
    else current.rejected++;
    if (o.degraded) current.degraded++;
  }
  for (const w of windows) w.overAdmitted = Math.max(0, w.accepted - w.limit);
  return windows;
}

/** Parses RateLimit-Policy, e.g. `1000;w=60`. */
export function parsePolicy(value: string | undefined): { limit: number; windowSeconds: number } | null {
  const match = /^\s*(\d+)\s*;\s*w=(\d+)/.exec(value ?? '');
  return match ? { limit: Number(match[1]), windowSeconds: Number(match[2]) } : null;
}
