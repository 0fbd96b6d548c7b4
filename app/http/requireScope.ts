import type { Middleware } from 'koa';
import { holdsScope, type Scope } from '../domain/scopes';
import { ApiError } from '../errors';

/** A route any working key may call (GET /v1/health): declared, so the route table stays complete. */
export const NO_SCOPE = 'none';
export type RouteScope = Scope | typeof NO_SCOPE;

/** The middleware carries its scope, so the OpenAPI document and the tests read it off the routers. */
export type ScopeMiddleware = Middleware & { readonly requiredScope: RouteScope };

/**
 * The first middleware of every resource route: `router.get('/', requireScope('inboxes:read'), …)`.
 * An API key without the scope gets 403 insufficient_scope; an access token (the
 * /organizations/:orgId mount, the dashboard) carries no key and may do anything its membership
 * allows. Runs after the organization's bucket (app/pipeline.ts): see docs/api.md, "Scopes".
 */
export function requireScope(scope: RouteScope): ScopeMiddleware {
  const check: Middleware =
    scope === NO_SCOPE
      ? function anyKey(_ctx, next) {
          return next();
        }
      : function requireScopeMiddleware(ctx, next) {
          const key = ctx.state.apiKey;
          if (key !== undefined && !holdsScope(key, scope)) throw new ApiError('insufficient_scope', undefined, { required: scope });
          return next();
        };
  return Object.assign(check, { requiredScope: scope });
}

/** The scope a route layer declares, or undefined when it declares none (a defect the tests catch). */
export function declaredScope(layer: { stack: readonly unknown[] }): RouteScope | undefined {
  for (const fn of layer.stack) {
    const scope = (fn as Partial<ScopeMiddleware>).requiredScope;
    if (scope !== undefined) return scope;
  }
  return undefined;
}
