import Router from '@koa/router';
import type { Deps } from '../../container';
import type { Passport } from '../../auth/passport';
import { ApiError } from '../../errors';
import { pageQuery } from '../../http/schemas';
import { serializeOrganization } from '../../http/serializers';
import { validate } from '../../http/validation';
import { idempotentPosts } from '../../middleware/idempotentPosts';
import { mailBody } from '../../middleware/mailBody';
import { rateLimitOrganization } from '../../middleware/rateLimitOrganization';
import { requireMembership } from '../../middleware/requireMembership';
import { requireUser } from '../../middleware/requireUser';
import { apiKeysRouter } from '../apiKeys/router';
import { domainsRouter } from '../domains/router';
import { inboxesRouter } from '../inboxes/router';
import { logsRouter } from '../logs/router';
import { usageRouter } from '../usage/router';
import { webhooksRouter } from '../webhooks/router';
import { createOrganizationBody, updateOrganizationBody } from './schemas';

/** /organizations for users with an access token; the resource routers again under /:orgId. */
export function organizationsRouter(deps: Deps, passport: Passport): Router {
  const { organizations } = deps;
  const router = new Router({ prefix: '/organizations' });
  router.use(requireUser(passport));

  router.get('/', async (ctx) => {
    const page = validate(pageQuery, ctx.query);
    ctx.body = (await organizations.listForMember(ctx.state.user!.id, page)).map(serializeOrganization);
  });

  router.post('/', async (ctx) => {
    const body = validate(createOrganizationBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = serializeOrganization(await organizations.create(ctx.state.user!.id, body.name));
  });

  const member = requireMembership(organizations);
  router.get('/:orgId', member, (ctx) => {
    ctx.body = serializeOrganization(ctx.state.organization!);
  });

  router.patch('/:orgId', member, async (ctx) => {
    const body = validate(updateOrganizationBody, ctx.request.body);
    if (ctx.state.role !== 'owner') throw new ApiError('forbidden', 'Only owners can change an organization.');
    ctx.body = serializeOrganization(await organizations.updateAsOwner(ctx.state.organization!, body));
  });

  // The resource routers draw from the organization's request bucket, as under /v1: a token is
  // no way around the budget. Their POSTs take an Idempotency-Key as under /v1 too.
  const budget = rateLimitOrganization(deps.requestBuckets, organizations);
  const idempotent = idempotentPosts(deps.idempotency);
  const metered = [member, budget, idempotent];
  router.use('/:orgId/api_keys', ...metered, apiKeysRouter(deps).routes());
  // Send and reply bodies (up to MESSAGE_BODY_LIMIT) are read only now, after the token and the
  // budget, and before idempotentPosts, which fingerprints the body.
  router.use('/:orgId/inboxes', member, budget, mailBody(deps.config.mail.bodyLimit), idempotent, inboxesRouter(deps).routes());
  router.use('/:orgId/webhooks', ...metered, webhooksRouter(deps).routes());
  router.use('/:orgId/usage', ...metered, usageRouter(deps).routes());
  router.use('/:orgId/logs', ...metered, logsRouter(deps).routes());
  router.use('/:orgId/domains', ...metered, domainsRouter(deps).routes());
  return router;
}
