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
  /** Earliest and latest moment the window can have ended, on the same clock as atMs; never lower > upper. */
  endsBetweenMs: [number, number];
  limit: number;
  /** Accepted answers, degraded ones included. */
  accepted: number;
  rejected: number;
  /** Answers decided by a fallback bucket (Sendook-Degraded), accepted or not. */
  degraded: number;
  /** Accepted answers that were degraded. */
  acceptedDegraded: number;
  /** Accepted beyond the limit in this window: overAdmittedWhileHealthy + overAdmittedWhileDegraded. */
  overAdmitted: number;
  /** Beyond the limit counting only the answers Redis decided: the shared bucket's own error. */
  overAdmittedWhileHealthy: number;
  /** The rest of overAdmitted: what the fallback buckets added on top while Redis did not answer. */
  overAdmittedWhileDegraded: number;
}

export interface BudgetReport {
  windows: WindowReport[];
  overAdmitted: number;
  overAdmittedWhileHealthy: number;
  overAdmittedWhileDegraded: number;
  /** The budgets the answers named (RateLimit-Policy), e.g. `1000 per 60 s`. */
  budgets: string[];
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
  /** Answers Redis decided, by their window's latest possible end. */
  bins: Map<number, Bin>;
  /**
   * Degraded answers, by arrival (`minHi`/`maxHi` hold atMs here): their RateLimit-Reset is the
   * fallback bucket's own window, not Redis's, so they are placed in Redis's windows by time.
   */
  degradedBins: Map<number, Bin>;
  /** Degraded answers' fallback windows, for those after every window Redis decided in. */
  degradedByEnd: Map<number, Bin>;
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
  private readonly budgets = new Set<string>();
  private observed = 0;

  add(o: Observation): void {
    this.observed++;
    let org = this.orgs.get(o.orgId);
    if (!org) this.orgs.set(o.orgId, (org = { bins: new Map(), degradedBins: new Map(), degradedByEnd: new Map(), shortestWindowSeconds: o.windowSeconds }));
    org.shortestWindowSeconds = Math.min(org.shortestWindowSeconds, o.windowSeconds);
    this.budgets.add(`${o.limit} per ${o.windowSeconds} s`);
    const hi = o.atMs + o.resetSeconds * 1000;
    tally(org.bins, hi, o, !o.degraded);
    if (o.degraded) {
      tally(org.degradedBins, o.atMs, o, true);
      tally(org.degradedByEnd, hi, o, true);
    }
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
    const total = (field: 'overAdmitted' | 'overAdmittedWhileHealthy' | 'overAdmittedWhileDegraded') => windows.reduce((n, w) => n + w[field], 0);
    return {
      windows,
      overAdmitted: total('overAdmitted'),
      overAdmittedWhileHealthy: total('overAdmittedWhileHealthy'),
      overAdmittedWhileDegraded: total('overAdmittedWhileDegraded'),
      budgets: [...this.budgets],
      unchecked,
    };
  }
}

/** Adds an answer to the bin of `at`; `counted` false only marks the bin's range (a degraded answer among Redis's). */
function tally(bins: Map<number, Bin>, at: number, o: Observation, counted: boolean): void {
  if (!counted) return;
  const index = Math.floor(at / BIN_MS);
  let bin = bins.get(index);
  if (!bin) bins.set(index, (bin = { minHi: at, maxHi: at, limit: o.limit, accepted: 0, rejected: 0, degraded: 0 }));
  bin.minHi = Math.min(bin.minHi, at);
  bin.maxHi = Math.max(bin.maxHi, at);
  // A budget raised during the run must not be read as over-admission: take the largest limit.
  bin.limit = Math.max(bin.limit, o.limit);
  if (o.accepted) bin.accepted++;
  else bin.rejected++;
  if (o.degraded) bin.degraded++;
}

/** The tally of a list of answers, in one call. */
export function checkBudgets(observations: Iterable<Observation>, maxLatencyMs: number): BudgetReport {
  const tally = new WindowTally();
  for (const o of observations) tally.add(o);
  return tally.report(maxLatencyMs);
}

/**
 * An organization's windows: Redis's, from the answers it decided, then the degraded answers
 * placed in the first of them whose latest possible end is at or after their arrival; degraded
 * answers after every such window form windows of their own (their fallback's).
 */
function windowsOf(orgId: string, org: OrgTally, maxLatencyMs: number): WindowReport[] {
  const windows = group(orgId, org.bins, 1000 + maxLatencyMs);
  const late = new Map<number, Bin>();
  for (const [index, bin] of org.degradedBins) {
    const into = windows.find((w) => w.endsBetweenMs[1] >= bin.maxHi);
    if (into) addDegraded(into, bin);
    else late.set(index, bin);
  }
  if (late.size > 0) {
    // The fallback's own windows, from the degraded answers' resets, for those not placed above.
    const lastEnd = windows.at(-1)?.endsBetweenMs[1] ?? -Infinity;
    const after = new Map([...org.degradedByEnd].filter(([, bin]) => bin.minHi - 1000 - maxLatencyMs > lastEnd));
    windows.push(...group(orgId, after, 1000 + maxLatencyMs));
  }
  for (const w of windows) {
    w.overAdmitted = Math.max(0, w.accepted - w.limit);
    w.overAdmittedWhileHealthy = Math.max(0, w.accepted - w.acceptedDegraded - w.limit);
    w.overAdmittedWhileDegraded = w.overAdmitted - w.overAdmittedWhileHealthy;
  }
  return windows;
}

/**
 * Bins (by their answers' latest possible window end) grouped into windows: a bin joins the
 * current window while the window's possible end stays a non-empty range with it, else it starts
 * the next window.
 */
function group(orgId: string, bins: Map<number, Bin>, span: number): WindowReport[] {
  const sorted = [...bins.values()].sort((a, b) => a.minHi - b.minHi);
  const windows: WindowReport[] = [];
  let current: WindowReport | null = null;
  for (const bin of sorted) {
    const lo = current ? Math.max(current.endsBetweenMs[0], bin.maxHi - span) : 0;
    const hi = current ? Math.min(current.endsBetweenMs[1], bin.minHi) : 0;
    if (!current || lo > hi) {
      current = { orgId, endsBetweenMs: [bin.maxHi - span, bin.minHi], limit: bin.limit, accepted: 0, rejected: 0, degraded: 0, acceptedDegraded: 0, overAdmitted: 0, overAdmittedWhileHealthy: 0, overAdmittedWhileDegraded: 0 };
      windows.push(current);
    } else {
      current.endsBetweenMs = [lo, hi];
    }
    current.limit = Math.max(current.limit, bin.limit);
    current.accepted += bin.accepted;
    current.rejected += bin.rejected;
    current.degraded += bin.degraded;
    current.acceptedDegraded += bin.degraded > 0 ? bin.accepted : 0;
  }
  return windows;
}

function addDegraded(w: WindowReport, bin: Bin): void {
  w.accepted += bin.accepted;
  w.rejected += bin.rejected;
  w.degraded += bin.degraded;
  w.acceptedDegraded += bin.accepted;
}

/** Parses RateLimit-Policy, e.g. `1000;w=60`. */
export function parsePolicy(value: string | undefined): { limit: number; windowSeconds: number } | null {
  const match = /^\s*(\d+)\s*;\s*w=(\d+)/.exec(value ?? '');
  return match ? { limit: Number(match[1]), windowSeconds: Number(match[2]) } : null;
}
