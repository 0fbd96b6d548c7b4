import Koa from 'koa';
import './http/state';
import { createPassport } from './auth/passport';
import type { Deps } from './container';
import { errorRenderer } from './middleware/errorRenderer';
import { jsonBody } from './middleware/jsonBody';
import { requestId } from './middleware/requestId';
import { v1Pipeline } from './pipeline';
import { authRouter } from './routes/auth/router';
import { dashboard } from './routes/dashboard';
import { healthRouter } from './routes/health';
import { organizationsRouter } from './routes/organizations/router';

/** Builds the Koa app from already-built dependencies; listening is the caller's business. */
export function createApp(deps: Deps): Koa {
  const app = new Koa();
  const { passport, apiKeyStrategy } = createPassport(deps.keyVerifier, deps.accounts);
  const v1 = v1Pipeline(deps, apiKeyStrategy);

  app.use(requestId());
  app.use(errorRenderer(deps.logger));
  // /v1 requests never fall through to the routers below: an unmatched one ends as a 404.
  const end = async () => undefined;
  app.use(function routeV1(ctx, next) {
    return ctx.path === '/v1' || ctx.path.startsWith('/v1/') ? v1(ctx, end) : next();
  });
  app.use(dashboard());

  app.use(jsonBody(deps.config.http.bodyLimit));
  for (const router of [healthRouter(deps), authRouter(deps, passport), organizationsRouter(deps, passport)]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  return app;
}
