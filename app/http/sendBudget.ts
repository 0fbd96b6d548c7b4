import type { Context } from 'koa';
import { ApiError } from '../errors';
import type { OrganizationService } from '../services/organizations';
import type { BucketFamily } from '../services/rateLimits';
import { setRateLimitHeaders } from './rateLimitHeaders';

/**
 * One point from the organization's send bucket (`rl:send:<orgId>`), shared by all its keys.
 * Called only once the request is fully validated, so a refused or invalid send costs nothing.
 * The request already drew from `rl:org:<orgId>` (ctx.state.rateLimit); the answer carries the
 * RateLimit-* headers of whichever bucket has fewer points left, and of the send bucket when it
 * refuses (429 `send_limited` with Retry-After; docs/email.md#send-budget).
 */
export async function chargeSendBudget(ctx: Context, sendBuckets: BucketFamily, organizations: OrganizationService): Promise<void> {
  const organization = ctx.state.organization!;
  const decision = await sendBuckets.consume(organization.id, organizations.sendBudget(organization));
  const request = ctx.state.rateLimit;
  if (!decision.allowed || !request || decision.remaining <= request.remaining) setRateLimitHeaders(ctx, decision);
  if (!decision.allowed) throw new ApiError('send_limited');
}
