import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import compose from 'koa-compose';

// What @koa/router keeps per route (its Layer), as far as this step reads it.
interface RouteLayer {
  path: string | RegExp;
  methods: string[];
  paramNames: unknown[];
  stack: Middleware[];
}

const end = async () => undefined;

/**
 * GET requests to the busiest static routes go straight to their handlers, taken from the router
 * itself (one route table): @koa/router matches every route's pattern, builds the matched chain
 * and composes it on every request, which was a large part of the API's own cost on the warm
 * /v1/health path (docs/performance.md). Everything else, including HEAD and 405s for these
 * paths, goes on to the router. Leaves `ctx.matched` and `ctx._matchedRoute` as the router
 * would, so access logs and metrics name the route the same way. A path that is not a static GET
 * route of the router fails at boot.
 */
export function hotRoutes(router: Router, paths: readonly string[]): Middleware {
  const layers = (router as unknown as { stack: RouteLayer[] }).stack;
  const handlers = new Map<string, { handler: Middleware; matched: RouteLayer[] }>();
  for (const path of paths) {
    const layer = layers.find((l) => l.path === path && l.methods.includes('GET') && l.paramNames.length === 0);
    if (!layer) throw new Error(`hotRoutes: no static GET route ${path} in the router`);
    handlers.set(path, { handler: compose(layer.stack), matched: [layer] });
  }

  return function hotRoutesMiddleware(ctx: Context, next) {
    const route = ctx.method === 'GET' ? handlers.get(ctx.path) : undefined;
    if (route === undefined) return next();
    const routed = ctx as Context & { matched?: RouteLayer[]; _matchedRoute?: string | RegExp; params?: Record<string, string> };
    routed.matched = route.matched;
    routed._matchedRoute = route.matched[0]!.path;
    routed.params = {};
    return route.handler(ctx, end);
  };
}
