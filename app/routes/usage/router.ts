import Router from '@koa/router';
import type { Deps } from '../../container';
import { requireScope } from '../../http/requireScope';
import { serializeUsagePoint } from '../../http/usageSerializers';
import { validate } from '../../http/validation';
import { usageQuery } from './schemas';

/**
 * GET /usage: the organization's request counts per key and bucket, summed over all instances.
 * Mounted under /v1/usage (API key) and /organizations/:orgId/usage (access token).
 */
export function usageRouter({ usage }: Pick<Deps, 'usage'>): Router {
  const router = new Router();
  router.get('/', requireScope('usage:read'), async (ctx) => {
    const query = validate(usageQuery, ctx.query);
    ctx.body = (await usage.series(ctx.state.organization!.id, query)).map(serializeUsagePoint);
  });
  return router;
}
