import type { Middleware } from 'koa';
import { ApiError } from '../errors';
import { setRateLimitHeaders } from '../http/rateLimitHeaders';
import type { OrganizationService } from '../services/organizations';
import type { RequestBuckets } from '../services/rateLimits';

/**
 * Step 5: one point from the organization's bucket (`rl:org:<orgId>`), shared by all its keys and
 * all instances. The headers are set before the routers run so every response carries them.
 * In lease mode a decision from this instance's reservation is a value: no await.
 */
export function rateLimitOrganization(buckets: RequestBuckets, organizations: OrganizationService): Middleware {
  return async function rateLimitOrganizationMiddleware(ctx, next) {
    const organization = ctx.state.organization!;
    const decided = buckets.consume(organization.id, organizations.requestBudget(organization));
    const decision = decided instanceof Promise ? await decided : decided;
    ctx.state.rateLimit = decision;
    setRateLimitHeaders(ctx, decision);
    if (!decision.allowed) throw new ApiError('rate_limited');
    return next();
  };
}
