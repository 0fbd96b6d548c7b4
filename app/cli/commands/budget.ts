import type { OrganizationPatch } from '../../repositories/organizations';
import { isId } from '../../lib/ids';
import type { AdminContext } from '../adminContext';
import { budgetOf, describeBudget } from '../buckets';
import { quoted } from '../format';
import type { Report } from './report';

/** One family's change: new points and/or duration, or `default` (both back to the server's). */
export interface BudgetChange {
  points?: number;
  duration?: number;
  default?: boolean;
}

/** Thrown when the database has the change but Redis did not take it (exit code 3). */
export class CachesNotUpdatedError extends Error {}

/**
 * `admin org <orgId> budget`: sets an organization's budgets above or below the server default,
 * through OrganizationService.update, the path an owner's PATCH takes after its check: the
 * database, then the org:<id> entry in Redis (versioned overwrite), then an invalidation on the
 * channel so every instance drops its in-process copy.
 */
export async function setBudget(ctx: AdminContext, orgId: string, requests: BudgetChange | null, sends: BudgetChange | null): Promise<Report> {
  const before = isId(orgId) ? await ctx.orgRepo.findById(orgId) : null;
  if (!before) return { found: false, json: { error: 'not_found', orgId }, text: `No organization with id ${quoted(orgId)}.` };
  const patch: OrganizationPatch = {
    ...(requests && (requests.default ? { rateLimitPoints: null, rateLimitDuration: null } : { rateLimitPoints: requests.points, rateLimitDuration: requests.duration })),
    ...(sends && (sends.default ? { sendLimitPoints: null, sendLimitDuration: null } : { sendLimitPoints: sends.points, sendLimitDuration: sends.duration })),
  };
  const after = await ctx.organizations.update(before.id, patch);
  if (ctx.orgCache.pendingWrites > 0) {
    throw new CachesNotUpdatedError(
      `The database has the new budgets, but Redis did not take the organization's cache entry: the servers apply them when their cached copy expires (KEY_CACHE_REDIS_TTL, ${ctx.config.keyCache.redisTtlSeconds} s). Run the command again to push it now.`,
    );
  }

  const rows = (['org', 'send'] as const).map((family) => {
    const [was, now] = [budgetOf(before, ctx.config, family), budgetOf(after, ctx.config, family)];
    const changed = was.points !== now.points || was.duration !== now.duration || was.pointsFrom !== now.pointsFrom || was.durationFrom !== now.durationFrom;
    return { name: family === 'org' ? 'requests' : 'sends', before: was, after: now, changed };
  });
  const caches = ctx.redisKeys
    ? `Caches: ${ctx.redisKeys.org(after.id)} overwritten in Redis and an invalidation published on ${ctx.redisKeys.invalidateChannel}; every instance applies it on its next request.`
    : `Caches: embedded mode (no REDIS_URL); the running server applies it when its in-process copy expires (KEY_CACHE_TTL_MS, ${ctx.config.keyCache.ttlMs} ms).`;
  const lines = rows.map((r) => `  ${r.name.padEnd(8)}  ${r.changed ? `${describeBudget(r.before)}  ->  ${describeBudget(r.after)}` : `unchanged: ${describeBudget(r.after)}`}`);
  const text = [`Organization ${after.id} ${quoted(after.name)}:`, ...lines, caches].join('\n');
  return { found: true, json: { organization: { id: after.id, name: after.name }, budgets: rows, caches }, text };
}
