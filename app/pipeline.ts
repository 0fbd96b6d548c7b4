import Router from '@koa/router';
import compose from 'koa-compose';
import type { Middleware } from 'koa';
import type { ApiKeyStrategy } from './auth/apiKeyStrategy';
import type { Deps } from './container';
import { attachOrganization } from './middleware/attachOrganization';
import { authenticateApiKey } from './middleware/authenticateApiKey';
import { extractApiKey } from './middleware/extractApiKey';
import { hotRoutes } from './middleware/hotRoutes';
import { idempotentPosts } from './middleware/idempotentPosts';
import { jsonBody } from './middleware/jsonBody';
import { mailBody } from './middleware/mailBody';
import { rateLimitOrganization } from './middleware/rateLimitOrganization';
import { apiKeysRouter } from './routes/apiKeys/router';
import { domainsRouter } from './routes/domains/router';
import { v1HealthRouter } from './routes/health';
import { inboxesRouter } from './routes/inboxes/router';
import { logsRouter } from './routes/logs/router';
import { usageRouter } from './routes/usage/router';
import { webhooksRouter } from './routes/webhooks/router';

/**
 * The authenticated request path (docs/architecture.md), in order. Every /v1 request runs all of
 * it before any router; nothing else in the code adds steps to it. `router` is the /v1 routers,
 * for naming routes in logs and metrics and for listing them (test/openapi.test.ts).
 */
export function v1Pipeline(deps: Deps, apiKeyStrategy: ApiKeyStrategy): Middleware & { router: Router } {
  const routers = new Router({ prefix: '/v1' });
  routers.use(v1HealthRouter().routes());
  routers.use('/api_keys', apiKeysRouter(deps).routes());
  routers.use('/inboxes', inboxesRouter(deps).routes());
  routers.use('/webhooks', webhooksRouter(deps).routes());
  routers.use('/usage', usageRouter(deps).routes());
  routers.use('/logs', logsRouter(deps).routes());
  routers.use('/domains', domainsRouter(deps).routes());

  const pipeline = compose([
    extractApiKey(deps.authFailures), // 1. bearer secret, shape and checksum; throttled addresses
    authenticateApiKey(apiKeyStrategy, deps.authFailures, deps.lastUsed), // 2-3. lookup and state
    attachOrganization(deps.organizations), // 4. ctx.state.organization
    rateLimitOrganization(deps.requestBuckets, deps.organizations), // 5. rl:org:<orgId>
    hotRoutes(routers, ['/v1/health']), // 6a. GET of the busiest static routes: the router's own handler, without its matching
    mailBody(deps.config.mail.bodyLimit), // send and reply: MESSAGE_BODY_LIMIT, for attachments
    jsonBody(deps.config.http.bodyLimit),
    idempotentPosts(deps.idempotency), // POST with Idempotency-Key: replay, refuse, or run once and keep the answer
    routers.routes() as Middleware, // 6b.
    routers.allowedMethods({ throw: true }) as Middleware,
  ]);
  return Object.assign(pipeline, { router: routers });
}
