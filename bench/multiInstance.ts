import { serverEnv } from './apiServers';
import type { CpuPlan } from './cpus';
import { drive } from './loadtest/drive';
import { provisionLoad } from './loadtest/keys';
import type { MultiInstanceResult } from './report';
import { COUNTER_NAMES, ZERO_COUNTERS, BenchServer, type CounterSnapshot } from './servers';
import { round } from './stats';
import type { BenchWorld } from './world';

export const MULTI_INSTANCE_SCENARIOS = ['multi-instance-exact', 'multi-instance-lease'] as const;

const INSTANCES = 2;
const ORGANIZATIONS = 4;
const KEYS = 20;
// 200 requests per second per organization: far below what the load offers, so every window is
// spent and the check is on the edge where over-admission would show.
const BUDGET = { points: 2000, window: 10 };

/**
 * Two API processes of one mode on the bench's database and Redis, driven together through the
 * load test's own driver (requests spread over both, every organization's keys on both), then
 * every organization's accepted requests counted per window against its budget, and the Redis
 * commands and MySQL queries per request summed over both processes.
 */
export async function measureMultiInstance(
  mode: 'exact' | 'lease',
  plan: CpuPlan,
  world: BenchWorld,
  redisUrl: string,
  options: { seconds: number; connections: number },
  log: (line: string) => void,
): Promise<MultiInstanceResult> {
  const env = { ...serverEnv(mode === 'lease' ? 'lease' : 'main', world, redisUrl, false), INSTANCE_COUNT: String(INSTANCES) };
  const servers: BenchServer[] = [];
  try {
    for (let i = 0; i < INSTANCES; i++) servers.push(await BenchServer.api(`${mode}-${i + 1}`, plan, env));
    const urls = servers.map((s) => s.url);
    const load = await provisionLoad(urls[0]!, ORGANIZATIONS, KEYS, BUDGET);
    const before = await sumCounters(servers);
    let ticks = 0;
    const run = await drive(urls, load.keys, { seconds: options.seconds, connections: options.connections }, (line) => {
      if (++ticks % 5 === 0) log(`  ${line}`);
    });
    const after = await sumCounters(servers);
    const budgets = run.windows.report(run.latency.max);
    const per = (name: (typeof COUNTER_NAMES)[number]) => round((after[name] - before[name]) / run.requests, 4);
    return {
      mode,
      instances: INSTANCES,
      seconds: round(run.seconds, 2),
      requests: run.requests,
      statuses: run.statuses,
      errors: run.errors,
      organizations: ORGANIZATIONS,
      budget: { points: BUDGET.points, windowSeconds: BUDGET.window },
      windowsChecked: budgets.windows.length,
      acceptedShareOfBudget: fullWindowShares(budgets.windows),
      overAdmitted: budgets.overAdmitted,
      unchecked: budgets.unchecked.length,
      perRequest: { mysqlQueries: per('mysqlQueries'), redisCommands: per('redisCommands') },
    };
  } finally {
    await Promise.allSettled(servers.map((s) => s.stop()));
  }
}

async function sumCounters(servers: BenchServer[]): Promise<CounterSnapshot> {
  const sum = { ...ZERO_COUNTERS };
  for (const s of servers) {
    const c = await s.counters();
    for (const k of COUNTER_NAMES) sum[k] += c[k];
  }
  return sum;
}

/** Lowest and highest accepted ÷ limit over each organization's windows but its first and last (partly outside the run). */
function fullWindowShares(windows: Array<{ orgId: string; accepted: number; limit: number; endsBetweenMs: [number, number] }>): [number, number] | null {
  const byOrg = new Map<string, typeof windows>();
  for (const w of windows) byOrg.set(w.orgId, [...(byOrg.get(w.orgId) ?? []), w]);
  const shares: number[] = [];
  for (const list of byOrg.values()) {
    list.sort((a, b) => a.endsBetweenMs[0] - b.endsBetweenMs[0]);
    for (const w of list.slice(1, -1)) shares.push(w.accepted / w.limit);
  }
  return shares.length ? [round(Math.min(...shares), 3), round(Math.max(...shares), 3)] : null;
}
