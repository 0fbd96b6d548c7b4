/**
 * Latencies of a run of any length in fixed memory: 0.01 ms steps up to 100 ms, 1 ms steps up
 * to 100 s (autocannon's timeout is far below), the rest in the last bucket. Percentiles are
 * exact to the step, which is all a load test report prints.
 */
const FINE_STEPS = 10_000; // 0.01 ms each, up to 100 ms
const COARSE_STEPS = 100_000; // 1 ms each, up to 100 s

export class LatencyHistogram {
  private readonly counts = new Uint32Array(FINE_STEPS + COARSE_STEPS);
  private total = 0;
  private highest = 0;

  record(ms: number): void {
    const i = ms < 100 ? Math.max(0, Math.floor(ms * 100)) : Math.min(FINE_STEPS + COARSE_STEPS - 1, FINE_STEPS + Math.floor(ms - 100));
    this.counts[i]!++;
    this.total++;
    if (ms > this.highest) this.highest = ms;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.highest;
  }

  /** Nearest-rank percentile (p in 0..100), as the upper edge of its step; NaN when empty. */
  percentile(p: number): number {
    if (this.total === 0) return NaN;
    if (p >= 100) return this.highest;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.highest, i < FINE_STEPS ? (i + 1) / 100 : 100 + (i - FINE_STEPS + 1));
    }
    return this.highest;
  }
}
