import type { Middleware } from 'koa';
import { ApiError } from '../errors';
import { setRateLimitHeaders } from '../http/rateLimitHeaders';
import type { OrganizationService } from '../services/organizations';
import type { BucketFamily } from '../services/rateLimits';

/**
 * Step 5: one point from the organization's bucket (`rl:org:<orgId>`), shared by all its keys and
 * all instances. The headers are set before the routers run so every response carries them.
 */
export function rateLimitOrganization(buckets: BucketFamily, organizations: OrganizationService): Middleware {
  return async function rateLimitOrganizationMiddleware(ctx, next) {
    const organization = ctx.state.organization!;
    const decision = await buckets.consume(organization.id, organizations.requestBudget(organization));
    ctx.state.rateLimit = decision;
    setRateLimitHeaders(ctx, decision);
    if (!decision.allowed) throw new ApiError('rate_limited');
    return next();
  };
}
