import type { Context, Middleware, Next } from 'koa';
import type { Organization } from '../domain/types';
import { ApiError } from '../errors';
import type { OrganizationService } from '../services/organizations';

/** Step 4: the key's organization, from the same tiered cache, into ctx.state.organization. */
export function attachOrganization(organizations: OrganizationService): Middleware {
  function attach(ctx: Context, organization: Organization | null, next: Next): Promise<unknown> {
    // A key whose organization is gone is as good as deleted.
    if (!organization) throw new ApiError('invalid_api_key');
    ctx.state.organization = organization;
    return next();
  }

  return function attachOrganizationMiddleware(ctx, next) {
    const orgId = ctx.state.apiKey!.organizationId;
    // Synchronous when this process holds the organization, as it does for every warm key.
    const held = organizations.held(orgId);
    if (held !== undefined) return attach(ctx, held, next);
    return organizations.cached(orgId).then((organization) => attach(ctx, organization, next));
  };
}
