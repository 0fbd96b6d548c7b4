import Router from '@koa/router';
import type { Deps } from '../../container';
import type { Passport } from '../../auth/passport';
import { ApiError } from '../../errors';
import { pageQuery } from '../../http/schemas';
import { serializeOrganization } from '../../http/serializers';
import { validate } from '../../http/validation';
import { requireMembership } from '../../middleware/requireMembership';
import { requireUser } from '../../middleware/requireUser';
import { apiKeysRouter } from '../apiKeys/router';
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
    ctx.body = serializeOrganization(await organizations.update(ctx.state.organization!.id, body));
  });

  router.use('/:orgId/api_keys', member, apiKeysRouter(deps).routes());
  router.use('/:orgId/inboxes', member, inboxesRouter(deps).routes());
  router.use('/:orgId/webhooks', member, webhooksRouter(deps).routes());
  router.use('/:orgId/usage', member, usageRouter(deps).routes());
  router.use('/:orgId/logs', member, logsRouter(deps).routes());
  return router;
}
