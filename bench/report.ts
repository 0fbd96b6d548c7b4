import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './measure';
import { round } from './stats';
import { percent } from './stolen';

/** The reference of every scenario but the head-to-head ones. */
export const BARE_KOA = 'bare-koa';

/**
 * One scenario's measurement. In a head-to-head scenario (`reference` other than bare Koa) the
 * Measurement's "bare" fields and `ratioToBare` are about that reference server instead.
 */
export interface ScenarioResult extends Measurement {
  name: string;
  title: string;
  server: string;
  /** What the slices alternated with: `bare-koa`, or a server kind (bench/scenarios.ts). */
  reference: string;
  path: string;
  /** How requests picked their key (bench/keySource.ts) and from how many. */
  keys: { mode: string; distinct: number };
  /** The share of the machine's CPU time the hypervisor gave to other guests meanwhile (bench/stolen.ts). */
  stolen: number | null;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  commit: string;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  scenarios: ScenarioResult[];
  targets: Target[];
  /** Median pair ratio of the default configuration to bare Koa: the number the last line prints. */
  headlineRatio: number | null;
  /** The same, head to head (default-vs-bare-koa), when that scenario ran. */
  headlineHeadToHead?: number | null;
  /** RATE_LIMIT_MODE's default, whose warm-key scenario is the headline. */
  defaultMode: 'exact' | 'lease';
  /** Two API processes on one Redis, per mode (bench/multiInstance.ts). */
  multiInstance: MultiInstanceResult[];
  /** What the unavoidable work alone reached in this run, when the floor scenario ran. */
  floor: Floor | null;
}

export interface MultiInstanceResult {
  mode: 'exact' | 'lease';
  instances: number;
  seconds: number;
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  organizations: number;
  budget: { points: number; windowSeconds: number };
  windowsChecked: number;
  /** Full windows (not the first or last of an organization): accepted ÷ budget, lowest and highest. */
  acceptedShareOfBudget: [number, number] | null;
  overAdmitted: number;
  unchecked: number;
  perRequest: { mysqlQueries: number; redisCommands: number };
}

export interface Floor {
  /** The floor scenario's median pair ratio to bare Koa (plain ioredis client). */
  ratioToBare: number;
  /** The same work on the API's client options (floor-api-client), when that scenario ran. */
  apiClientRatioToBare: number | null;
  /** The warm key's ratio divided by the floor's: how much of what is reachable the API reached. */
  warmKeyShare: number | null;
  /** The warm key against the floor in the same pairs (warm-key-vs-floor), when that scenario ran. */
  headToHead: number | null;
}

export function floorOf(byName: Map<string, ScenarioResult>): Floor | null {
  const floor = byName.get('floor');
  if (!floor) return null;
  const warm = byName.get('warm-key');
  return {
    ratioToBare: floor.ratioToBare,
    apiClientRatioToBare: byName.get('floor-api-client')?.ratioToBare ?? null,
    warmKeyShare: warm ? round(warm.ratioToBare / floor.ratioToBare, 2) : null,
    headToHead: byName.get('warm-key-vs-floor')?.ratioToBare ?? null,
  };
}

export function floorSentence(f: Floor): string {
  const client = f.apiClientRatioToBare === null ? '' : ` (${f.apiClientRatioToBare} on the API's client options)`;
  const share = f.warmKeyShare === null ? '' : `; the exact-mode warm key reached ${f.warmKeyShare} of the floor`;
  const direct = f.headToHead === null ? '' : ` (${f.headToHead} head to head)`;
  return `the unavoidable work alone (one SHA-256, a Map lookup, one RateLimiterRedis consume on a plain ioredis client) reached ${f.ratioToBare} of bare Koa${client}${share}${direct}`;
}

export interface Target {
  target: string;
  measured: string;
  met: boolean;
}

// Allowance for the relative CPU cost, which moved by about this much between runs of the same
// servers on the project's shared machine.
const CPU_NOISE = 0.1;
// Allowance for I/O per request: cache entries re-read when they expire (every KEY_CACHE_TTL_MS
// for records, twice as often for misses, by design) and the 20 lookups the failed-auth throttle
// lets through each time its lockout ends. A few hundred commands per run; 1% of the requests.
const IO_ALLOWANCE = 0.01;

/**
 * The speed targets (docs/performance.md, "Targets") and the earlier cost targets, checked against
 * this run. Ratios between two servers are judged by the scenario that measured them together
 * (alternating slices or head to head), never as a quotient of two scenarios' ratios to bare Koa,
 * which carries the machine's drift between them.
 */
export function checkTargets(byName: Map<string, ScenarioResult>, multi: MultiInstanceResult[] = [], defaultMode?: 'exact' | 'lease'): Target[] {
  const warm = byName.get('warm-key');
  const lease = byName.get('warm-key-lease');
  const floor = byName.get('floor');
  const disabled = byName.get('caches-disabled');
  const targets: Target[] = [];
  const add = (target: string, ok: boolean, measured: string) => targets.push({ target, measured, met: ok });
  const quartiles = (s: ScenarioResult) => `${s.ratioToBare} (quartiles ${s.ratioQuartiles.join('–')})`;
  const atLeast = (name: string, min: number, target: string) => {
    const s = byName.get(name);
    if (s) add(target, s.ratioToBare >= min, quartiles(s));
  };
  if (defaultMode) add('RATE_LIMIT_MODE defaults to lease with Redis', defaultMode === 'lease', defaultMode);
  atLeast('default-vs-log-quiet', 0.9, 'the default configuration (access log on, to a file) within 10% of the same without the access log (alternating)');
  atLeast('lease-vs-lease-floor', 0.95, 'lease mode, warm key, usage on: at least 0.95 of the lease floor (alternating)');
  atLeast('lease-vs-exact', 1.1, 'lease mode: at least 1.10 × exact mode, both with usage on (alternating)');
  atLeast('exact-vs-floor', 0.95, 'exact mode, warm key, usage on: at least 0.95 of the exact floor (alternating)');
  atLeast('warm-key-vs-floor', 0.95, 'exact mode, warm key, usage on: at least 0.95 of the exact floor (head to head)');
  if (lease) {
    add('lease mode, warm key: at most 0.05 Redis commands per request', lease.perRequest.redisCommands <= 0.05, `${lease.perRequest.redisCommands}`);
    add('lease mode, warm key: 0 MySQL queries per request', lease.perRequest.mysqlQueries === 0, `${lease.perRequest.mysqlQueries}`);
  }
  for (const m of multi) {
    add(`${m.mode} mode, ${m.instances} instances on one Redis: 0 requests accepted beyond the budget in any window`, m.overAdmitted === 0 && m.windowsChecked > 0, `${m.overAdmitted} over ${m.windowsChecked} windows${m.unchecked ? ` (${m.unchecked} organizations unchecked)` : ''}`);
  }
  if (!warm) return targets;
  add('exact mode, warm key: at least 0.60 of bare Koa throughput', warm.ratioToBare >= 0.6, quartiles(warm));
  if (floor && !byName.has('exact-vs-floor') && !byName.has('warm-key-vs-floor')) {
    const share = round(warm.ratioToBare / floor.ratioToBare, 2);
    add('exact mode, warm key: at least 0.95 of the exact floor in the same run', share >= 0.95, `${share} (${warm.ratioToBare} / ${floor.ratioToBare} of bare Koa)`);
  }
  if (disabled) {
    const times = round(warm.ratioToBare / disabled.ratioToBare, 2);
    add('at least 3 times the caches-disabled baseline', times >= 3, `${times}× (${warm.ratioToBare} / ${disabled.ratioToBare} of bare Koa)`);
  }
  // Recording usage, clients and log lines costs the warm path at most 5%, and no I/O.
  const onVsOff = byName.get('usage-on-vs-off');
  if (onVsOff) add('usage recording on: warm key within 5% of the same with USAGE_DISABLED (head to head)', onVsOff.ratioToBare >= 0.95, quartiles(onVsOff));
  const usageOff = byName.get('warm-key-usage-off');
  if (usageOff) {
    if (!onVsOff) {
      const share = round(warm.ratioToBare / usageOff.ratioToBare, 2);
      add('usage recording on: warm key within 5% of the same with USAGE_DISABLED', share >= 0.95, `${share} (${warm.ratioToBare} / ${usageOff.ratioToBare} of bare Koa)`);
    }
    const sameIo = warm.perRequest.mysqlQueries === usageOff.perRequest.mysqlQueries && warm.perRequest.redisCommands <= usageOff.perRequest.redisCommands + IO_ALLOWANCE;
    add('usage recording on: the same MySQL queries and Redis commands per request as off', sameIo, `${warm.perRequest.mysqlQueries} q and ${warm.perRequest.redisCommands} cmd/req vs ${usageOff.perRequest.mysqlQueries} and ${usageOff.perRequest.redisCommands}`);
  }
  add('exact mode, warm path: 0 MySQL queries per request', warm.perRequest.mysqlQueries === 0, `${warm.perRequest.mysqlQueries}`);
  // One command per request, plus re-reading the key and organization from Redis when their
  // in-process copies expire: IO_ALLOWANCE.
  add(`exact mode, warm path: at most 1 Redis command per request (≤ ${1 + IO_ALLOWANCE})`, warm.perRequest.redisCommands <= 1 + IO_ALLOWANCE, `${warm.perRequest.redisCommands}`);
  // "Cost" is server CPU time per request, relative to bare Koa's in the same scenario (the CPU
  // time of one request itself grows when the machine is busy), and I/O per request. Throughput
  // on this machine is shaped as much by scheduling as by work (docs/performance.md). Both are
  // compared with valid keys sent the same way (one key against the warm key, keys in turn
  // against many-keys, which share autocannon as their load generator where the one key has
  // wrk): the server's CPU per request depends on how its load arrives, since the answers of one
  // event-loop turn leave together and wrk's requests come in larger bursts. The warm key's
  // figure is shown beside.
  for (const name of ['malformed-key', 'unknown-key', 'unknown-key-throttled']) {
    const s = byName.get(name);
    const valid = (s?.keys.mode === 'rotate' && byName.get('many-keys')) || warm;
    if (!s || s.cpuRelativeToBare === null || valid.cpuRelativeToBare === null) continue;
    const cpuOk = s.cpuRelativeToBare <= valid.cpuRelativeToBare * (1 + CPU_NOISE);
    const ioOk =
      s.perRequest.mysqlQueries <= valid.perRequest.mysqlQueries + IO_ALLOWANCE &&
      s.perRequest.redisCommands <= valid.perRequest.redisCommands + IO_ALLOWANCE;
    add(
      `${name} costs no more than a warm key (CPU × bare within ${CPU_NOISE * 100}% and I/O per request within ${IO_ALLOWANCE} of ${valid.name})`,
      cpuOk && ioOk,
      `CPU ${s.cpuRelativeToBare} vs ${valid.cpuRelativeToBare} × bare${valid === warm ? '' : ` (${warm.name}: ${warm.cpuRelativeToBare})`}; ${s.perRequest.mysqlQueries} q and ${s.perRequest.redisCommands} cmd/req vs ${valid.perRequest.mysqlQueries} and ${valid.perRequest.redisCommands}`,
    );
  }
  return targets;
}

export function writeResults(dir: string, results: BenchResults): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'bench-latest.json');
  const markdown = join(dir, 'bench-latest.md');
  writeFileSync(json, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(markdown, toMarkdown(results));
  return { json, markdown };
}

function faults(s: ScenarioResult): string {
  const parts = [];
  if (s.api.errors) parts.push(`connection errors: ${s.api.errors}`);
  if (s.faults.degradedAdmits) parts.push(`admitted by the fallback limiter: ${s.faults.degradedAdmits}`);
  if (s.faults.redisErrors) parts.push(`Redis errors: ${s.faults.redisErrors}`);
  if (s.faults.mysqlErrors) parts.push(`MySQL errors: ${s.faults.mysqlErrors}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function toMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `Run ${r.startedAt} at ${r.commit}; ${m.cpus} × ${m.cpuModel}, Node ${m.node}, MariaDB/MySQL ${m.mysql}, Redis ${m.redis};`,
    `${r.settings.pinning}; ${r.settings.connections} connections; ${r.settings.durationSeconds} s per scenario in 1-second pairs; load average ${m.loadAverage};`,
    `CPU time stolen by the hypervisor over the run: ${percent(m.stolen as number | null)} (per scenario in the last column; a shared host moves absolute rates most when it is high).`,
    '',
    '| scenario | req/s | × bare Koa (quartiles), or × the named reference | p50 ms | p99 ms | statuses | MySQL q/req | Redis cmd/req | server CPU µs/req (reference; ratio) | generator (CPU share API; reference) | stolen |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: |',
    ...r.scenarios.map((s) =>
      [
        `${s.name}${s.exhausted ? ' (ran out of cold keys)' : ''}`,
        s.api.rps,
        `${s.ratioToBare} (${s.ratioQuartiles.join('–')})${s.reference === BARE_KOA ? '' : ` × ${s.reference}`}`,
        s.api.latencyMs.p50,
        s.api.latencyMs.p99,
        Object.entries(s.api.statuses).map(([code, n]) => `${code}: ${n}`).join(', ') + faults(s),
        s.perRequest.mysqlQueries,
        s.perRequest.redisCommands,
        `${s.cpuUsPerRequest.api ?? '–'} (${s.cpuUsPerRequest.bare ?? '–'}; ${s.cpuRelativeToBare ?? '–'}×)`,
        `${s.generator} (${s.generatorCpu.api}; ${s.generatorCpu.bare})`,
        percent(s.stolen),
      ].join(' | '),
    ).map((row) => `| ${row} |`),
    '',
    ...multiInstanceTable(r.multiInstance),
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`),
    '',
    ...(r.floor ? [`Floor: ${floorSentence(r.floor)}.`, ''] : []),
    `Headline: the default configuration (RATE_LIMIT_MODE=${r.defaultMode}, access log on to a file, usage on) × Koa + @koa/router, alternating slices${r.headlineHeadToHead ? `; head to head ${r.headlineHeadToHead}` : ''}.`,
    '',
    `ratio pipeline/bare-koa: ${r.headlineRatio ?? 'n/a'}`,
    '',
  ];
  return lines.join('\n');
}

function multiInstanceTable(multi: MultiInstanceResult[]): string[] {
  if (multi.length === 0) return [];
  return [
    '| several instances on one Redis | req/s | statuses | windows checked | accepted ÷ budget in full windows | over-admitted | MySQL q/req | Redis cmd/req |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...multi.map(
      (m) =>
        `| ${m.mode}: ${m.instances} API processes, ${m.organizations} organizations at ${m.budget.points} per ${m.budget.windowSeconds} s | ${Math.round(m.requests / m.seconds)} | ${Object.entries(m.statuses).map(([c, n]) => `${c}: ${n}`).join(', ')}${m.errors ? ` (connection errors: ${m.errors})` : ''} | ${m.windowsChecked} | ${m.acceptedShareOfBudget ? m.acceptedShareOfBudget.join('–') : '–'} | ${m.overAdmitted} | ${m.perRequest.mysqlQueries} | ${m.perRequest.redisCommands} |`,
    ),
    '',
  ];
}
