import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Measurement } from './measure';
import { round } from './stats';

export interface ScenarioResult extends Measurement {
  name: string;
  title: string;
  server: string;
  path: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  commit: string;
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  scenarios: ScenarioResult[];
  targets: Target[];
  /** Median pair ratio of the warm-key scenario: the number the last line prints. */
  headlineRatio: number | null;
}

export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

// Pair ratios of identical servers moved by about 5% between runs on the project's machine.
const NOISE = 0.05;

/** The performance targets, checked against this run (null: scenario not run). */
export function checkTargets(byName: Map<string, ScenarioResult>): Target[] {
  const warm = byName.get('warm-key');
  const disabled = byName.get('caches-disabled');
  const targets: Target[] = [];
  const add = (target: string, ok: boolean | null, measured: string) => targets.push({ target, measured, met: ok });
  if (!warm) return targets;
  add('warm key: at least 0.65 of bare Koa throughput', warm.ratioToBare >= 0.65, `${warm.ratioToBare}`);
  if (disabled) {
    const times = round(warm.ratioToBare / disabled.ratioToBare, 2);
    add('at least 3 times the caches-disabled baseline', times >= 3, `${times}× (each as a median ratio to bare Koa)`);
  }
  add('warm path: 0 MySQL queries per request', warm.perRequest.mysqlQueries === 0, `${warm.perRequest.mysqlQueries}`);
  // One command per request, plus re-reading the key and organization from Redis when their
  // in-process copies expire (every KEY_CACHE_TTL_MS): a handful per run, hence the 1%.
  add('warm path: at most 1 Redis command per request (≤ 1.01)', warm.perRequest.redisCommands <= 1.01, `${warm.perRequest.redisCommands}`);
  for (const name of ['unknown-key', 'unknown-key-throttled', 'malformed-key']) {
    const s = byName.get(name);
    if (!s) continue;
    const cheap =
      s.ratioToBare >= warm.ratioToBare * (1 - NOISE) &&
      s.perRequest.mysqlQueries <= warm.perRequest.mysqlQueries &&
      s.perRequest.redisCommands <= warm.perRequest.redisCommands;
    add(
      `${name} costs no more than a warm key (throughput within ${NOISE * 100}% noise, no more I/O)`,
      cheap,
      `${s.ratioToBare} vs ${warm.ratioToBare} of bare; ${s.perRequest.mysqlQueries} q, ${s.perRequest.redisCommands} cmd; CPU ${s.cpuUsPerRequest.api} vs ${warm.cpuUsPerRequest.api} µs/req`,
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

export function toMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `Run ${r.startedAt} at ${r.commit}; ${m.cpus} × ${m.cpuModel}, Node ${m.node}, MariaDB/MySQL ${m.mysql}, Redis ${m.redis};`,
    `${r.settings.pinning}; ${r.settings.connections} connections; ${r.settings.durationSeconds} s per scenario in 1-second pairs; load average ${m.loadAverage}.`,
    '',
    '| scenario | req/s | × bare Koa | p50 ms | p99 ms | statuses | MySQL q/req | Redis cmd/req | server CPU µs/req (bare) |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
    ...r.scenarios.map((s) =>
      [
        `${s.name}${s.exhausted ? ' (ran out of cold keys)' : ''}`,
        s.api.rps,
        s.ratioToBare,
        s.api.latencyMs.p50,
        s.api.latencyMs.p99,
        Object.entries(s.api.statuses).map(([code, n]) => `${code}: ${n}`).join(', ') + (s.api.errors ? `, errors: ${s.api.errors}` : ''),
        s.perRequest.mysqlQueries,
        s.perRequest.redisCommands,
        `${s.cpuUsPerRequest.api ?? '–'} (${s.cpuUsPerRequest.bare ?? '–'})`,
      ].join(' | '),
    ).map((row) => `| ${row} |`),
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...r.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met === null ? '–' : t.met ? 'yes' : '**no**'} |`),
    '',
    `ratio pipeline/bare-koa: ${r.headlineRatio ?? 'n/a'}`,
    '',
  ];
  return lines.join('\n');
}
