import Router from '@koa/router';
import type { Deps } from '../../container';
import { requireScope } from '../../http/requireScope';
import { serializeRequestLog } from '../../http/usageSerializers';
import { validate } from '../../http/validation';
import { logsQuery } from './schemas';

/**
 * GET /logs: the organization's request log, newest first (docs/usage.md says what is kept).
 * Mounted under /v1/logs (API key) and /organizations/:orgId/logs (access token).
 */
export function logsRouter({ usage }: Pick<Deps, 'usage'>): Router {
  const router = new Router();
  router.get('/', requireScope('usage:read'), async (ctx) => {
    const { page, filter } = validate(logsQuery, ctx.query);
    ctx.body = (await usage.requestLogs(ctx.state.organization!.id, filter, page)).map(serializeRequestLog);
  });
  return router;
}
