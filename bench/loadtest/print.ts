import { round } from '../stats';
import type { BudgetReport, WindowReport } from './budgets';
import type { DriveResult } from './drive';

export interface LoadtestReport {
  url: string;
  /** Answers per --url. */
  perUrl: Array<{ url: string; requests: number }>;
  seconds: number;
  connections: number;
  requests: number;
  rps: number;
  latencyMs: Record<'p50' | 'p90' | 'p99' | 'max', number>;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  unattributed: number;
  /** Where the budget came from: the deployment's default, or set by --points/--window. */
  budgetSource: string;
  budgets: BudgetReport;
}

export function buildReport(url: string, connections: number, run: DriveResult, budgets: BudgetReport, budgetSource: string): LoadtestReport {
  const l = run.latency;
  return {
    url,
    perUrl: run.perUrl,
    seconds: round(run.seconds, 2),
    connections,
    requests: run.requests,
    rps: Math.round(run.requests / run.seconds),
    latencyMs: { p50: round(l.percentile(50), 2), p90: round(l.percentile(90), 2), p99: round(l.percentile(99), 2), max: round(l.max, 2) },
    statuses: run.statuses,
    errors: run.errors,
    timeouts: run.timeouts,
    unattributed: run.unattributed,
    budgetSource,
    budgets,
  };
}

export function formatReport(r: LoadtestReport): string {
  const lines = [
    `${r.requests} requests in ${r.seconds} s over ${r.connections} connections: ${r.rps} req/s`,
    ...(r.perUrl.length > 1 ? [`per instance: ${r.perUrl.map((u) => `${u.url} ${u.requests}`).join(', ')}`] : []),
    `latency ms: p50 ${r.latencyMs.p50}  p90 ${r.latencyMs.p90}  p99 ${r.latencyMs.p99}  max ${r.latencyMs.max}`,
    `statuses: ${Object.entries(r.statuses).map(([code, n]) => `${code}: ${n}`).join('  ')}` + (r.errors ? `  connection errors: ${r.errors} (timeouts ${r.timeouts})` : ''),
    `budget tested: ${r.budgets.budgets.join(', ') || 'none seen'} (${r.budgetSource})`,
    '',
    'organization               windows  most accepted in a window / limit  over-admitted: healthy  degraded  degraded answers',
  ];
  const byOrg = new Map<string, WindowReport[]>();
  for (const w of r.budgets.windows) byOrg.set(w.orgId, [...(byOrg.get(w.orgId) ?? []), w]);
  for (const [orgId, windows] of byOrg) {
    const worst = windows.reduce((a, b) => (b.accepted - b.limit > a.accepted - a.limit ? b : a));
    const healthy = windows.reduce((n, w) => n + w.overAdmittedWhileHealthy, 0);
    const whileDegraded = windows.reduce((n, w) => n + w.overAdmittedWhileDegraded, 0);
    const degraded = windows.reduce((n, w) => n + w.degraded, 0);
    lines.push(`${orgId.padEnd(26)} ${String(windows.length).padStart(7)}  ${`${worst.accepted} / ${worst.limit}`.padStart(33)}  ${String(healthy).padStart(22)}  ${String(whileDegraded).padStart(8)}  ${String(degraded).padStart(15)}`);
  }
  for (const orgId of r.budgets.unchecked) lines.push(`${orgId.padEnd(26)} unchecked: its window is too short to separate with whole-second RateLimit-Reset`);
  if (r.unattributed) lines.push(`${r.unattributed} successful answers carried no RateLimit-Policy and could not be checked`);
  lines.push('');
  lines.push(
    r.budgets.overAdmitted > 0
      ? `BUDGET EXCEEDED: ${r.budgets.overAdmitted} requests accepted beyond their organization's budget (${r.budgets.overAdmittedWhileHealthy} while Redis answered, ${r.budgets.overAdmittedWhileDegraded} added by fallback buckets while it did not)`
      : `every organization stayed within its budget in every window (${r.budgets.windows.length} windows checked)`,
  );
  return lines.join('\n');
}
