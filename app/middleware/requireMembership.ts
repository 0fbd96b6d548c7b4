import type { Middleware } from 'koa';
import { idParam } from '../http/schemas';
import { ApiError } from '../errors';
import type { OrganizationService } from '../services/organizations';

/** /organizations/:orgId/*: the organization, for members only (others get 404, as if absent). */
export function requireMembership(organizations: OrganizationService): Middleware {
  return async function requireMembershipMiddleware(ctx, next) {
    const orgId = (ctx as unknown as { params: { orgId?: string } }).params.orgId;
    if (!orgId || !idParam.safeParse(orgId).success) throw new ApiError('not_found', 'No organization with this id.');
    const { organization, role } = await organizations.getForMember(orgId, ctx.state.user!.id);
    ctx.state.organization = organization;
    ctx.state.role = role;
    return next();
  };
}
