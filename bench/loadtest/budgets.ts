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

// Answers are tallied in bins of this many ms of their window's latest possible end (see
// WindowTally); far narrower than the gap between two windows of one organization.
const BIN_MS = 50;

interface Bin {
  /** Earliest and latest `hi` (latest possible window end) of the answers in the bin. */
  minHi: number;
  maxHi: number;
  limit: number;
  accepted: number;
  rejected: number;
  degraded: number;
}

interface OrgTally {
  bins: Map<number, Bin>;
  shortestWindowSeconds: number;
}

/**
 * Counts each organization's answers per rate-limit window as they arrive, in memory bounded by
 * the run's duration (a bin per 50 ms per organization), never by the number of answers: a load
 * test of minutes at tens of thousands of requests per second keeps no answer.
 *
 * The server says when the window ends only as RateLimit-Reset, whole seconds rounded up, measured
 * at some moment between sending and receiving. So an answer received at `atMs` places the end of
 * its window E, on the client's own clock (no clock agreement with the server is needed), in
 * `hi - 1000 - maxLatency <= E <= hi` with `hi = atMs + reset * 1000`: the window's answers have
 * their `hi` within 1000 + maxLatency ms of each other, and answers of consecutive windows are
 * further apart than that as long as the window is longer than twice that span. Any window with
 * more accepted answers than its limit is over-admission.
 */
export class WindowTally {
  private readonly orgs = new Map<string, OrgTally>();
  private observed = 0;

  add(o: Observation): void {
    this.observed++;
    let org = this.orgs.get(o.orgId);
    if (!org) this.orgs.set(o.orgId, (org = { bins: new Map(), shortestWindowSeconds: o.windowSeconds }));
    org.shortestWindowSeconds = Math.min(org.shortestWindowSeconds, o.windowSeconds);
    const hi = o.atMs + o.resetSeconds * 1000;
    const index = Math.floor(hi / BIN_MS);
    let bin = org.bins.get(index);
    if (!bin) org.bins.set(index, (bin = { minHi: hi, maxHi: hi, limit: o.limit, accepted: 0, rejected: 0, degraded: 0 }));
    bin.minHi = Math.min(bin.minHi, hi);
    bin.maxHi = Math.max(bin.maxHi, hi);
    // A budget raised during the run must not be read as over-admission: take the largest limit.
    bin.limit = Math.max(bin.limit, o.limit);
    if (o.accepted) bin.accepted++;
    else bin.rejected++;
    if (o.degraded) bin.degraded++;
  }

  /** Answers tallied so far. */
  get size(): number {
    return this.observed;
  }

  /** Groups the bins into windows; `maxLatencyMs` is the slowest answer of the run. */
  report(maxLatencyMs: number): BudgetReport {
    const windows: WindowReport[] = [];
    const unchecked: string[] = [];
    for (const [orgId, org] of this.orgs) {
      if (org.shortestWindowSeconds * 1000 <= 2 * (1000 + maxLatencyMs)) {
        unchecked.push(orgId);
        continue;
      }
      windows.push(...windowsOf(orgId, org, maxLatencyMs));
    }
    return { windows, overAdmitted: windows.reduce((n, w) => n + w.overAdmitted, 0), unchecked };
  }
}

/** The tally of a list of answers, in one call. */
export function checkBudgets(observations: Iterable<Observation>, maxLatencyMs: number): BudgetReport {
  const tally = new WindowTally();
  for (const o of observations) tally.add(o);
  return tally.report(maxLatencyMs);
}

function windowsOf(orgId: string, org: OrgTally, maxLatencyMs: number): WindowReport[] {
  const span = 1000 + maxLatencyMs;
  const bins = [...org.bins.values()].sort((a, b) => a.minHi - b.minHi);
  const windows: WindowReport[] = [];
  let current: WindowReport | null = null;
  for (const bin of bins) {
    // The window's end lies in [hi - span, hi] for every one of its answers.
    if (!current || bin.minHi - span > current.endsBetweenMs[1]) {
      current = { orgId, endsBetweenMs: [bin.maxHi - span, bin.minHi], limit: bin.limit, accepted: 0, rejected: 0, degraded: 0, overAdmitted: 0 };
      windows.push(current);
    } else {
      current.endsBetweenMs = [Math.max(current.endsBetweenMs[0], bin.maxHi - span), Math.min(current.endsBetweenMs[1], bin.minHi)];
    }
    current.limit = Math.max(current.limit, bin.limit);
    current.accepted += bin.accepted;
    current.rejected += bin.rejected;
    current.degraded += bin.degraded;
  }
  for (const w of windows) w.overAdmitted = Math.max(0, w.accepted - w.limit);
  return windows;
}

/** Parses RateLimit-Policy, e.g. `1000;w=60`. */
export function parsePolicy(value: string | undefined): { limit: number; windowSeconds: number } | null {
  const match = /^\s*(\d+)\s*;\s*w=(\d+)/.exec(value ?? '');
  return match ? { limit: Number(match[1]), windowSeconds: Number(match[2]) } : null;
}
