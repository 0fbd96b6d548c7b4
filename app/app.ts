import type Router from '@koa/router';
import Koa from 'koa';
import './http/state';
import { createPassport } from './auth/passport';
import type { Deps } from './container';
import { RouteNames } from './http/routeNames';
import { accessLog } from './middleware/accessLog';
import { endOfReadTurn } from './middleware/endOfReadTurn';
import { errorRenderer, settledObservers } from './middleware/errorRenderer';
import { jsonBodyExceptMail } from './middleware/mailBody';
import { observeRequest } from './middleware/observeRequest';
import { openApiRouter } from './openapi/router';
import { recordUsage } from './middleware/recordUsage';
import { requestId } from './middleware/requestId';
import { v1Pipeline } from './pipeline';
import { authRouter } from './routes/auth/router';
import { dashboard, sizeInBytes } from './routes/dashboard';
import { healthRouter } from './routes/health';
import { organizationsRouter } from './routes/organizations/router';

/** The Koa app, with every router it serves (the /v1 ones first) for naming and listing routes. */
export type SendookApp = Koa & { readonly routers: readonly Router[] };

/** Builds the Koa app from already-built dependencies; listening is the caller's business. */
export function createApp(deps: Deps): SendookApp {
  // Behind TRUST_PROXY reverse proxies ctx.ip is the client the nearest trusted proxy saw (the
  // last TRUST_PROXY entries of X-Forwarded-For); with 0 the header is ignored. Every use of a
  // client address (throttles, access log) reads ctx.ip, so they all agree.
  const app = new Koa({ proxy: deps.config.trustProxy > 0, maxIpsCount: deps.config.trustProxy });
  const { passport, apiKeyStrategy } = createPassport(deps.keyVerifier, deps.accounts);
  const v1 = v1Pipeline(deps, apiKeyStrategy);
  const publicRouters = [healthRouter(deps), authRouter(deps, passport), organizationsRouter(deps, passport), openApiRouter(v1.router)];
  const routers = [v1.router, ...publicRouters];
  const routeNames = new RouteNames(routers);

  app.use(requestId());
  // Observability costs the request path nothing unless it is on: route metrics only when
  // METRICS_PORT is set, access lines only when the log level lets info through.
  if (deps.metrics) app.use(observeRequest(deps.metrics.http, routeNames));
  // Told by the error renderer once a request's status is final, in process: usage recording
  // (docs/usage.md; off only for the bench's baseline, USAGE_DISABLED), then the access line.
  const settled = settledObservers(
    deps.config.usage.disabled ? undefined : recordUsage(deps.usageRecorder, routeNames),
    deps.logger.isLevelEnabled('info') ? accessLog(deps.logger, routeNames) : undefined,
  );
  app.use(errorRenderer(deps.logger, settled));
  // Requests read in one event-loop turn run after it, together, and their answers leave
  // together. After the clocks above start, so logged and observed durations include the wait.
  app.use(endOfReadTurn());
  // /v1 requests never fall through to the routers below: an unmatched one ends as a 404.
  const end = async () => undefined;
  app.use(function routeV1(ctx, next) {
    return ctx.path === '/v1' || ctx.path.startsWith('/v1/') ? v1(ctx, end) : next();
  });
  app.use(
    dashboard({
      // The dashboard's compose sends through /organizations/:orgId/.../send, read as on /v1.
      limits: { attachmentsMaxBytes: deps.config.mail.attachmentsMaxBytes, requestBodyMaxBytes: sizeInBytes(deps.config.mail.bodyLimit) },
    }),
  );

  // Send and reply under /organizations are read by that router once the token and the budget
  // have passed (mailBody), with their larger limit; nothing before them reads those bodies.
  app.use(jsonBodyExceptMail(deps.config.http.bodyLimit));
  for (const router of publicRouters) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return Object.assign(app, { routers });
}
