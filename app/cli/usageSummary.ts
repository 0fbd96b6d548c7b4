import { bucketStart, OUTCOMES, type OutcomeCounts } from '../domain/usage';
import type { InspectContext } from './context';
import { quoted, table, time } from './format';

const HOUR_MS = 3_600_000;

export interface UsageSummary {
  lastHour: OutcomeCounts & { requests: number };
  last24Hours: OutcomeCounts & { requests: number };
}

/** Requests by outcome in the last hour (minute buckets) and 24 hours (hour buckets), from the database. */
export async function usageSummary(ctx: InspectContext, of: { apiKeyId: string } | { organizationId: string }): Promise<UsageSummary> {
  const withTotal = (o: OutcomeCounts) => ({ ...o, requests: OUTCOMES.reduce((n, k) => n + o[k], 0) });
  const [hour, day] = await Promise.all([
    ctx.db.usageTotals(of, 'm', bucketStart(ctx.now - HOUR_MS, 'minute')),
    ctx.db.usageTotals(of, 'h', bucketStart(ctx.now - 24 * HOUR_MS, 'hour')),
  ]);
  return { lastHour: withTotal(hour), last24Hours: withTotal(day) };
}

export function renderUsage(summary: UsageSummary, flushMs: number): string {
  const row = (label: string, u: UsageSummary['lastHour']) => [label, String(u.requests), ...OUTCOMES.map((o) => String(u[o]))];
  return [
    `Usage (summed over all instances; each writes its counts every ${flushMs} ms)`,
    table(['WINDOW', 'REQUESTS', ...OUTCOMES.map((o) => o.toUpperCase())], [row('last hour', summary.lastHour), row('last 24 h', summary.last24Hours)]),
  ].join('\n');
}

export function renderClients(clients: Array<{ address: string; userAgent: string; requests: number; lastSeenAt: number }>, now: number): string {
  if (clients.length === 0) return 'Clients: none recorded';
  return [
    `Clients (${clients.length} most recently seen)`,
    table(
      ['ADDRESS', 'REQUESTS', 'LAST SEEN', 'USER AGENT'],
      clients.map((c) => [c.address, String(c.requests), time(c.lastSeenAt, now), quoted(c.userAgent)]),
    ),
  ].join('\n');
}
