import { LOGIN_BUDGET_PER_ADDRESS, LOGIN_BUDGET_PER_EMAIL } from '../../services/accounts';
import { budgetOf, readBuckets, spent, type BucketState } from '../buckets';
import { EMBEDDED_NOTE, type InspectContext } from '../context';
import { quoted, seconds, table } from '../format';
import { scanPrefix } from '../scan';
import type { Report } from './report';

interface Throttled {
  kind: 'requests' | 'sends' | 'failed auth' | 'login (email)' | 'login (address)' | 'registrations';
  subject: string;
  organizationName?: string | null;
  redisKey: string;
  consumed: number;
  points: number;
  duration: number;
  resetSeconds: number | null;
}

/** `inspect throttled`: every organization and client address over budget right now. */
export async function inspectThrottled(ctx: InspectContext): Promise<Report> {
  const { redis, keys, config } = ctx;
  if (!redis) return { found: false, json: { error: 'embedded', note: EMBEDDED_NOTE }, text: EMBEDDED_NOTE };
  const family = async (name: 'org' | 'send' | 'authfail' | 'login' | 'register') => {
    const prefix = `${keys.limiterPrefix(name)}:`;
    const states: Array<BucketState & { id: string }> = [];
    // The keys of a batch all live on `node` (the scanned master): one pipeline there.
    await scanPrefix(redis, prefix, async (batch, node) => {
      for (const s of await readBuckets(node, batch)) states.push({ ...s, id: s.redisKey.slice(prefix.length) });
    });
    return states;
  };
  const [orgs, sends, authfail, login, register] = await Promise.all([family('org'), family('send'), family('authfail'), family('login'), family('register')]);
  const names = await ctx.db.organizations([...new Set([...orgs, ...sends].map((s) => s.id))]);

  const out: Throttled[] = [];
  for (const [kind, states, which] of [['requests', orgs, 'org'], ['sends', sends, 'send']] as const) {
    for (const s of states) {
      const org = names.get(s.id) ?? null;
      const budget = budgetOf(org, config, which);
      if (spent(s.consumed, budget.points)) out.push({ kind, subject: s.id, organizationName: org?.name ?? null, redisKey: s.redisKey, consumed: s.consumed, points: budget.points, duration: budget.duration, resetSeconds: s.resetSeconds });
    }
  }
  // Failed authentications: the address is refused once a failure went over the budget
  // (consumed > points); its key then lives for AUTH_FAIL_BLOCK seconds.
  for (const s of authfail) {
    const { points, duration } = config.authFail;
    if (s.consumed > points) out.push({ kind: 'failed auth', subject: s.id, redisKey: s.redisKey, consumed: s.consumed, points, duration, resetSeconds: s.resetSeconds });
  }
  for (const s of login) {
    const byEmail = s.id.startsWith('email:');
    const budget = byEmail ? LOGIN_BUDGET_PER_EMAIL : LOGIN_BUDGET_PER_ADDRESS;
    if (spent(s.consumed, budget.points)) {
      out.push({ kind: byEmail ? 'login (email)' : 'login (address)', subject: s.id.replace(/^(email|addr):/, ''), redisKey: s.redisKey, consumed: s.consumed, points: budget.points, duration: budget.duration, resetSeconds: s.resetSeconds });
    }
  }
  for (const s of register) {
    const { points, duration } = config.registerLimit;
    if (spent(s.consumed, points)) out.push({ kind: 'registrations', subject: s.id, redisKey: s.redisKey, consumed: s.consumed, points, duration, resetSeconds: s.resetSeconds });
  }
  out.sort((a, b) => (b.resetSeconds ?? 0) - (a.resetSeconds ?? 0));

  const rows = out.map((t) => [
    t.kind,
    t.organizationName === undefined ? t.subject : `${t.subject} ${t.organizationName === null ? '(deleted)' : quoted(t.organizationName)}`,
    String(t.consumed),
    `${t.points} per ${t.duration} s`,
    seconds(t.resetSeconds),
  ]);
  const scanned = orgs.length + sends.length + authfail.length + login.length;
  const text = out.length
    ? `${out.length} over budget right now (of ${scanned} buckets):\n\n${table(['KIND', 'WHO', 'USED', 'BUDGET', 'RESETS IN'], rows)}`
    : `Nothing is over budget right now (${scanned} buckets in Redis).`;
  return { found: true, json: { throttled: out, bucketsScanned: scanned }, text };
}
