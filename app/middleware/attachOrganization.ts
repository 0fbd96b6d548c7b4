import type { Middleware } from 'koa';
import { ApiError } from '../errors';
import type { OrganizationService } from '../services/organizations';

/** Step 4: the key's organization, from the same tiered cache, into ctx.state.organization. */
export function attachOrganization(organizations: OrganizationService): Middleware {
  return async function attachOrganizationMiddleware(ctx, next) {
    const organization = await organizations.cached(ctx.state.apiKey!.organizationId);
    // A key whose organization is gone is as good as deleted.
    if (!organization) throw new ApiError('invalid_api_key');
    ctx.state.organization = organization;
    return next();
  };
}
