import Router from '@koa/router';
import type { Deps } from '../../container';
import { domainView, recordsView } from '../../domain/domainView';
import { requireScope } from '../../http/requireScope';
import { pageQuery } from '../../http/schemas';
import { validate } from '../../http/validation';
import { createDomainBody, deleteDomainQuery } from './schemas';

/**
 * Domains of the organization in ctx.state.organization. Mounted under /v1/domains (API key) and
 * /organizations/:orgId/domains (access token). `:domain` is the name (as the SDK sends it) or the id.
 */
export function domainsRouter({ domains }: Pick<Deps, 'domains'>): Router {
  const router = new Router();
  const createBody = createDomainBody(domains.reservedName);
  const view = (domain: Parameters<typeof domainView>[0]) => domainView(domain, domains.policy);

  router.get('/', requireScope('domains:read'), async (ctx) => {
    const page = validate(pageQuery, ctx.query);
    ctx.body = (await domains.list(ctx.state.organization!.id, page)).map(view);
  });

  router.post('/', requireScope('domains:write'), async (ctx) => {
    const body = validate(createBody, ctx.request.body);
    ctx.status = 201;
    ctx.body = view(await domains.create(ctx.state.organization!.id, body.name));
  });

  router.get('/:domain', requireScope('domains:read'), async (ctx) => {
    ctx.body = view(await domains.get(ctx.state.organization!.id, ctx.params.domain!));
  });

  router.get('/:domain/dns', requireScope('domains:read'), async (ctx) => {
    ctx.body = recordsView(await domains.get(ctx.state.organization!.id, ctx.params.domain!), domains.policy);
  });

  router.post('/:domain/verify', requireScope('domains:write'), async (ctx) => {
    ctx.body = view(await domains.verify(ctx.state.organization!.id, ctx.params.domain!));
  });

  router.delete('/:domain', requireScope('domains:write'), async (ctx) => {
    const query = validate(deleteDomainQuery, ctx.query);
    ctx.body = view(await domains.delete(ctx.state.organization!.id, ctx.params.domain!, query.force === 'true'));
  });

  return router;
}
