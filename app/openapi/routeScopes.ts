import type Router from '@koa/router';
import { declaredScope, type RouteScope } from '../http/requireScope';

/** `METHOD /path` (as the catalogue writes it, lower-case method) → the scope its route declares. */
export type RouteScopes = ReadonlyMap<string, RouteScope>;

export const routeKey = (method: string, path: string) => `${method.toLowerCase()} ${path}`;

/**
 * The scopes the /v1 routes declare with requireScope, read off the router stack: the routers are
 * the one source, the OpenAPI document and the scope tests only read them. Routes that declare
 * none are absent (test/scopes.test.ts fails on them).
 */
export function routeScopes(router: Router): RouteScopes {
  const scopes = new Map<string, RouteScope>();
  for (const layer of router.stack) {
    const scope = declaredScope(layer as unknown as { stack: unknown[] });
    if (scope === undefined) continue;
    for (const method of layer.methods) if (method !== 'HEAD') scopes.set(routeKey(method, String(layer.path)), scope);
  }
  return scopes;
}
