import { COUNTER_NAMES, ZERO_COUNTERS, type BenchServer, type CounterSnapshot } from './servers';
import type { ServerStatus, StatusSample } from './serverStatus';
import { KeySource } from './keySource';
import { autocannonSlice, runSlice, type Load, type Slice, type SliceOptions } from './slice';
import { mean, median, mergeCounts, percentile, round, sum } from './stats';

export interface Measurement {
  pairs: number;
  api: { requests: number; seconds: number; rps: number; latencyMs: { p50: number; p99: number }; statuses: Record<string, number>; errors: number };
  bare: { requests: number; rps: number };
  /** Median over pairs of (API slice rps / bare slice rps): the figure that survives a noisy machine. */
  ratioToBare: number;
  /** First and third quartiles of the pair ratios: how much the machine moved during the scenario. */
  ratioQuartiles: [number, number];
  pairRatios: number[];
  /** Exact, from the API process's own counters. */
  perRequest: { mysqlQueries: number; keyLookupQueries: number; redisCommands: number };
  /** Totals over the measured slices: Redis or MySQL errors, requests admitted by the fallback limiter. */
  faults: { redisErrors: number; mysqlErrors: number; degradedAdmits: number };
  /**
   * Machine-wide server statistics, a cross-check: they include other clients of a shared MySQL or
   * Redis, and Redis counts the commands a Lua script runs (the limiter's one EVALSHA runs 3 more).
   */
  serverWidePerRequest: { mysqlQuestions: number; redisExecuted: number };
  /** Server CPU time per answered request, in microseconds (null off Linux). */
  cpuUsPerRequest: { api: number | null; bare: number | null };
  /** API CPU per request ÷ bare CPU per request: like the ratio, steadier than either alone. */
  cpuRelativeToBare: number | null;
  /** CPU the load generator used, as a share of one core (near 1: it, not the server, was the limit). */
  generatorCpu: { api: number; bare: number };
  generator: 'wrk' | 'autocannon';
  exhausted: boolean;
}

interface Totals {
  slices: Slice[];
  counters: CounterSnapshot;
  status: StatusSample;
  cpuSeconds: number | null;
}

const BARE_WARMUP_SECONDS = 0.3;
const API_WARMUP_SECONDS = 0.5;
const FRESH_WARMUP_REQUESTS = 2000;
const SLICE_SECONDS = 1;

/**
 * Alternates slices of about a second on the API and on the bare reference, in ABBA order so that
 * a drift of the machine's load does not favour one side. A slice is a fixed number of requests
 * (about a second's worth at the last measured rate), not a fixed time: autocannon then waits
 * for every answer, so the server's counters cover exactly the requests that were counted.
 *
 * `together` (a head-to-head scenario, whose reference then stands in for "bare" in the result)
 * loads both servers at the same time instead (with new processes from `servers` for each
 * PROCESS_PAIRS-th of the joint runs), each from its own load generator, on
 * the one CPU they share: the scheduler gives each about half of it, so the ratio of their request
 * rates is the inverse ratio of their CPU per request, and a change in the machine's speed (which
 * moves sequential slices by ±25% on the shared host) moves both sides alike: two identical
 * servers measured 0.96–1.01 this way. Fair only between servers that wait for the same I/O: one
 * that sleeps on Redis more often gets the scheduler's wake-up credit (exact mode beat lease mode
 * by a third this way, though lease mode is as fast alone), so only such pairs use it.
 */
export async function measure(load: Load, servers: () => Promise<ServerPair>, status: ServerStatus, pairs: number, connections: number, together = false): Promise<Measurement> {
  let { api, bare, fresh } = await servers();
  let rate = await warmUp(load, api, bare, connections, fresh);
  const [apiTotals, bareTotals] = [emptyTotals(), emptyTotals()];
  const ratios: number[] = [];
  const runsPerPair = Math.ceil(pairs / PROCESS_PAIRS);
  for (let i = 0; i < pairs; i++) {
    if (together) {
      if (i > 0 && i % runsPerPair === 0) {
        ({ api, bare, fresh } = await servers());
        rate = await warmUp(load, api, bare, connections, fresh);
      }
      const length = { connections, seconds: TOGETHER_SECONDS };
      const [a, b] = await Promise.all([apiSlice(load, api, status, length, apiTotals), bareSlice(load, bare, length, bareTotals)]);
      ratios.push(a.rps / b.rps);
      continue;
    }
    const order = i % 2 === 0 ? (['bare', 'api'] as const) : (['api', 'bare'] as const);
    const rps: Record<string, number> = {};
    for (const side of order) {
      // Cold keys are shared out evenly over the API slices, each key sent once.
      const amount =
        side === 'api' && load.keys.mode === 'eachOnce'
          ? Math.floor(load.keys.remaining / (pairs - i))
          : Math.max(connections, Math.round(rate[side] * SLICE_SECONDS));
      const slice = side === 'api' ? await apiSlice(load, api, status, { connections, amount }, apiTotals) : await bareSlice(load, bare, { connections, amount }, bareTotals);
      rate[side] = slice.rps;
      rps[side] = slice.rps;
    }
    ratios.push(rps.api! / rps.bare!);
  }
  return summarise(apiTotals, bareTotals, ratios, pairs, await countingSlice(load, api, status, connections, rate.api, apiTotals));
}

const TOGETHER_SECONDS = 2;
/**
 * Head to head, the joint runs are shared over this many pairs of newly started processes: two
 * processes of one build and configuration differed by about 2.5% for as long as they ran
 * (memory layout, what V8 chose to optimise), a bias no number of joint runs on one pair removes.
 */
const PROCESS_PAIRS = 5;

/** The two servers a scenario compares; a head-to-head scenario's are started anew on each call. */
export interface ServerPair {
  api: BenchServer;
  bare: BenchServer;
  fresh: { api: boolean; bare: boolean };
}
const COUNTING_SECONDS = 1;

// wrk stops after whole seconds with requests still in flight, which the server counts and wrk
// does not; exact counts per request come from one more slice of a fixed number of answers.
async function countingSlice(load: Load, api: BenchServer, status: ServerStatus, connections: number, rate: number, measured: Totals): Promise<Totals | null> {
  if (measured.slices[0]?.generator !== 'wrk') return null;
  const totals = emptyTotals();
  const amount = Math.max(connections * 20, Math.round(rate * COUNTING_SECONDS));
  const [countersBefore, statusBefore] = [await api.counters(), await status.sample()];
  totals.slices.push(await autocannonSlice(api.url, load, { connections, amount, forApi: true }));
  const [countersAfter, statusAfter] = [await api.counters(), await status.sample()];
  for (const k of COUNTER_NAMES) totals.counters[k] += countersAfter[k] - countersBefore[k];
  totals.status = status.delta(statusBefore, statusAfter);
  return totals;
}

function emptyTotals(): Totals {
  return { slices: [], counters: { ...ZERO_COUNTERS }, status: { mysqlQuestions: 0, redisCalls: 0 }, cpuSeconds: 0 };
}

/**
 * Warms both servers (and the API's caches) and returns their request rates. A freshly started
 * API process first gets a few thousand requests, so that V8 has optimised the request path
 * (its compiler threads' CPU would otherwise be counted against the first slices).
 */
async function warmUp(load: Load, api: BenchServer, bare: BenchServer, connections: number, fresh: { api: boolean; bare: boolean }): Promise<{ api: number; bare: number }> {
  const freshApi = fresh.api;
  // A head-to-head reference that was just started is warmed up like a fresh API.
  if (fresh.bare) await runSlice(bare.url, load, { connections, amount: FRESH_WARMUP_REQUESTS, forApi: false });
  const bareRate = (await runSlice(bare.url, load, { connections, seconds: BARE_WARMUP_SECONDS, forApi: false })).rps;
  if (load.keys.mode === 'eachOnce') {
    // Its keys must stay cold: a fresh process is warmed up with one of them, spent on that.
    const spent = freshApi ? load.keys.next(true) : undefined;
    if (spent) await runSlice(api.url, { path: load.path, keys: KeySource.same(spent) }, { connections, amount: FRESH_WARMUP_REQUESTS, forApi: true });
    return { api: 0, bare: bareRate };
  }
  // Every key once, so that none is measured cold.
  const amount = Math.max(load.keys.mode === 'rotate' ? load.keys.keys.length : 0, freshApi ? FRESH_WARMUP_REQUESTS : 0);
  if (amount > 0) await runSlice(api.url, load, { connections, amount, forApi: true });
  const apiRate = (await runSlice(api.url, load, { connections, seconds: API_WARMUP_SECONDS, forApi: true })).rps;
  return { api: apiRate, bare: bareRate };
}

type SliceLength = Pick<SliceOptions, 'connections' | 'amount' | 'seconds'>;

async function apiSlice(load: Load, api: BenchServer, status: ServerStatus, length: SliceLength, totals: Totals): Promise<Slice> {
  const [countersBefore, statusBefore, cpuBefore] = [await api.counters(), await status.sample(), api.cpuSeconds()];
  const slice = await runSlice(api.url, load, { ...length, forApi: true });
  const [countersAfter, statusAfter, cpuAfter] = [await api.counters(), await status.sample(), api.cpuSeconds()];
  totals.slices.push(slice);
  for (const k of COUNTER_NAMES) totals.counters[k] += countersAfter[k] - countersBefore[k];
  const d = status.delta(statusBefore, statusAfter);
  totals.status = { mysqlQuestions: totals.status.mysqlQuestions + d.mysqlQuestions, redisCalls: totals.status.redisCalls + d.redisCalls };
  totals.cpuSeconds = addCpu(totals.cpuSeconds, cpuBefore, cpuAfter);
  return slice;
}

async function bareSlice(load: Load, bare: BenchServer, length: SliceLength, totals: Totals): Promise<Slice> {
  const cpuBefore = bare.cpuSeconds();
  const slice = await runSlice(bare.url, load, { ...length, forApi: false });
  totals.slices.push(slice);
  totals.cpuSeconds = addCpu(totals.cpuSeconds, cpuBefore, bare.cpuSeconds());
  return slice;
}

function addCpu(total: number | null, before: number | null, after: number | null): number | null {
  return total === null || before === null || after === null ? null : total + after - before;
}

function summarise(api: Totals, bare: Totals, ratios: number[], pairs: number, counted: Totals | null): Measurement {
  // Requests and counters for the per-request counts: the counting slice when there was one.
  const countedRequests = counted ? sum(counted.slices.map((s) => s.requests)) : sum(api.slices.map((s) => s.requests));
  const c = counted ?? api;
  const requests = sum(api.slices.map((s) => s.requests));
  const seconds = sum(api.slices.map((s) => s.seconds));
  const bareRequests = sum(bare.slices.map((s) => s.requests));
  const per = (n: number, of: number) => (of ? round(n / of, 4) : NaN);
  return {
    pairs,
    api: {
      requests,
      seconds: round(seconds, 2),
      rps: Math.round(requests / seconds),
      // Medians over the slices of each slice's percentile (wrk reports percentiles, not latencies).
      latencyMs: { p50: round(median(api.slices.map((s) => s.latencyMs.p50)), 2), p99: round(median(api.slices.map((s) => s.latencyMs.p99)), 2) },
      statuses: api.slices.reduce((all, s) => mergeCounts(all, s.statuses), {} as Record<string, number>),
      errors: sum(api.slices.map((s) => s.errors)),
    },
    bare: { requests: bareRequests, rps: Math.round(bareRequests / sum(bare.slices.map((s) => s.seconds))) },
    ratioToBare: round(median(ratios), 3),
    ratioQuartiles: [round(percentile(ratios, 25), 3), round(percentile(ratios, 75), 3)],
    pairRatios: ratios.map((r) => round(r, 3)),
    perRequest: {
      mysqlQueries: per(c.counters.mysqlQueries, countedRequests),
      keyLookupQueries: per(c.counters.keyLookupQueries, countedRequests),
      redisCommands: per(c.counters.redisCommands, countedRequests),
    },
    faults: { redisErrors: api.counters.redisErrors, mysqlErrors: api.counters.mysqlErrors, degradedAdmits: api.counters.degradedAdmits },
    serverWidePerRequest: { mysqlQuestions: per(c.status.mysqlQuestions, countedRequests), redisExecuted: per(c.status.redisCalls, countedRequests) },
    cpuUsPerRequest: {
      api: api.cpuSeconds === null ? null : Math.round((api.cpuSeconds / requests) * 1e6),
      bare: bare.cpuSeconds === null ? null : Math.round((bare.cpuSeconds / bareRequests) * 1e6),
    },
    cpuRelativeToBare: api.cpuSeconds === null || bare.cpuSeconds === null ? null : round((api.cpuSeconds / requests) / (bare.cpuSeconds / bareRequests), 2),
    generatorCpu: { api: round(mean(api.slices.map((s) => s.generatorCpu)), 2), bare: round(mean(bare.slices.map((s) => s.generatorCpu)), 2) },
    generator: api.slices[0]?.generator ?? 'autocannon',
    exhausted: api.slices.some((s) => s.exhausted),
  };
}
