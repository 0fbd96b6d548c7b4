import type { Context, Middleware, Next } from 'koa';
import { ApiError } from '../errors';
import { setRateLimitHeaders } from '../http/rateLimitHeaders';
import type { OrganizationService } from '../services/organizations';
import type { RateLimitDecision, RequestBuckets } from '../services/rateLimits';

/**
 * Step 5: one point from the organization's bucket (`rl:org:<orgId>`), shared by all its keys and
 * all instances. The headers are set before the routers run so every response carries them.
 * In lease mode a decision from this instance's reservation is a value, and the step stays
 * synchronous: not an async function, whose own promise would wrap the rest of the request's.
 */
export function rateLimitOrganization(buckets: RequestBuckets, organizations: OrganizationService): Middleware {
  function admit(ctx: Context, decision: RateLimitDecision, next: Next): Promise<unknown> {
    ctx.state.rateLimit = decision;
    setRateLimitHeaders(ctx, decision);
    if (!decision.allowed) throw new ApiError('rate_limited');
    return next();
  }

  return function rateLimitOrganizationMiddleware(ctx, next) {
    const organization = ctx.state.organization!;
    const decided = buckets.consume(organization.id, organizations.requestBudget(organization));
    return decided instanceof Promise ? decided.then((decision) => admit(ctx, decision, next)) : admit(ctx, decided, next);
  };
}
