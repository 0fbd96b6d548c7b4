import type { ApiKey } from '../../domain/types';
import { isId } from '../../lib/ids';
import { budgetOf, describeBudget, readBuckets, spent, type BucketState, type BudgetView } from '../buckets';
import { EMBEDDED_NOTE, type InspectContext } from '../context';
import { fields, quoted, seconds, table, time } from '../format';
import { cacheEntries, keyState, type CacheEntry } from './keyCache';
import type { Report } from './report';
import { renderUsage, usageSummary } from '../usageSummary';

interface BucketReport extends Partial<BucketState> {
  name: 'requests' | 'sends';
  budget: BudgetView;
  remaining: number | null;
  spent: boolean | null;
}

/** `inspect org <orgId>`: buckets, cache, keys, and why it is or is not throttled. */
export async function inspectOrg(ctx: InspectContext, orgId: string): Promise<Report> {
  const org = isId(orgId) ? await ctx.db.organization(orgId) : null;
  if (!org) return { found: false, json: { error: 'not_found', orgId }, text: `No organization with id ${quoted(orgId)}.` };
  const { keys, redis, config } = ctx;
  const apiKeys = await ctx.db.keysOf(org.id);

  const budgets = { requests: budgetOf(org, config, 'org'), sends: budgetOf(org, config, 'send') };
  const states = redis ? await readBuckets(redis, [`${keys.limiterPrefix('org')}:${org.id}`, `${keys.limiterPrefix('send')}:${org.id}`]) : null;
  const buckets: BucketReport[] = (['requests', 'sends'] as const).map((name, i) => {
    const state = states?.[i];
    const budget = budgets[name];
    return {
      name,
      ...state,
      budget,
      remaining: state ? Math.max(0, budget.points - state.consumed) : null,
      spent: state ? spent(state.consumed, budget.points) && state.resetSeconds !== null : null,
    };
  });
  const [orgCache, ...keyCaches] = redis ? await cacheEntries(redis, [keys.org(org.id), ...apiKeys.map((k) => keys.apiKey(k.keyHash))]) : [];
  const summary = explain(buckets, redis !== null);
  const usage = await usageSummary(ctx, { organizationId: org.id });

  const json = {
    organization: { id: org.id, name: org.name, createdAt: new Date(org.createdAt).toISOString() },
    cache: orgCache ?? null,
    buckets,
    keys: apiKeys.map((k, i) => ({
      id: k.id,
      name: k.name,
      start: k.start,
      state: keyState(k, ctx.now),
      lastUsedAt: k.lastUsedAt === null ? null : new Date(k.lastUsedAt).toISOString(),
      cache: keyCaches[i] ?? null,
    })),
    throttled: buckets[0]!.spent,
    usage,
    summary,
    ...(redis ? {} : { note: EMBEDDED_NOTE }),
  };
  return { found: true, json, text: render(ctx, json.organization, orgCache, buckets, apiKeys, keyCaches, renderUsage(usage, config.usage.flushMs), summary) };
}

/** One sentence: why the organization is or is not being throttled right now. */
function explain([requests, sends]: BucketReport[], hasRedis: boolean): string {
  if (!hasRedis) return 'Unknown from outside the server: in embedded mode its buckets live in the server process.';
  const r = requests!;
  const s = sends!;
  const window = `${r.budget.points} per ${r.budget.duration} s`;
  if (r.spent) {
    return `Throttled: its request budget (${window}) is spent, ${r.consumed} points used in this window; /v1 requests get 429 rate_limited for another ${seconds(r.resetSeconds!)}.`;
  }
  const used = r.resetSeconds === null ? 'no /v1 request in the current window' : `${r.consumed} of ${r.budget.points} points used, ${r.remaining} left, refilling in ${seconds(r.resetSeconds ?? null)}`;
  const sendNote = s.spent ? ` Its send budget is spent, though: send and reply get 429 send_limited for another ${seconds(s.resetSeconds!)}.` : '';
  return `Not throttled: ${used} (budget ${window}).${sendNote}`;
}

function render(
  ctx: InspectContext,
  org: { id: string; name: string; createdAt: string },
  orgCache: CacheEntry | undefined,
  buckets: BucketReport[],
  apiKeys: ApiKey[],
  keyCaches: CacheEntry[],
  usage: string,
  summary: string,
): string {
  const cached = orgCache ? (orgCache.present ? `yes, TTL ${seconds(orgCache.ttlSeconds)} (${orgCache.redisKey})` : `no (${orgCache.redisKey})`) : 'n/a (embedded mode)';
  const bucketRows = buckets.map((b) => [
    b.name,
    b.redisKey ?? '(in the server process)',
    b.consumed === undefined ? '?' : String(b.consumed),
    b.remaining === null ? '?' : String(b.remaining),
    seconds(b.resetSeconds ?? null),
    describeBudget(b.budget),
  ]);
  const keyRows = apiKeys.map((k, i) => [
    k.id,
    k.name,
    k.start,
    keyState(k, ctx.now),
    k.lastUsedAt === null ? 'never' : time(k.lastUsedAt, ctx.now),
    keyCaches[i] ? (keyCaches[i].present ? `cached, TTL ${seconds(keyCaches[i].ttlSeconds)}` : 'not cached') : 'n/a',
  ]);
  return [
    `Organization ${org.id} ${quoted(org.name)}`,
    fields([
      ['created', org.createdAt],
      ['cached in Redis', cached],
    ]),
    '',
    'Buckets',
    table(['BUCKET', 'REDIS KEY', 'USED', 'LEFT', 'RESETS IN', 'BUDGET'], bucketRows),
    '',
    `Keys (${apiKeys.length}; last used is written at most once a minute)`,
    apiKeys.length ? table(['ID', 'NAME', 'START', 'STATE', 'LAST USED', 'REDIS'], keyRows) : '  none',
    '',
    usage,
    '',
    summary,
    ...(ctx.redis ? [] : ['', EMBEDDED_NOTE]),
  ].join('\n');
}
