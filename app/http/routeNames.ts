import type Router from '@koa/router';
import type { Context } from 'koa';

// What @koa/router leaves on the context: the layers whose path matched (any method).
interface MatchedLayer {
  path: string | RegExp;
  methods: string[];
}

/**
 * The route template that served a request (e.g. `/v1/api_keys/:id`), for access logs and
 * metrics: never the raw path, whose ids would make every request its own series.
 */
export class RouteNames {
  constructor(private readonly routers: readonly Router[]) {}

  /** The template, or null when no route has this path. */
  of(ctx: Context): string | null {
    const matched = (ctx as unknown as { matched?: MatchedLayer[] }).matched;
    if (matched) {
      const name = templateIn(matched, ctx.method);
      if (name) return name;
    }
    // Not routed: refused before the routers ran (a /v1 401 or 429), or no such path. Only these
    // requests pay for matching the path again.
    for (const router of this.routers) {
      const name = templateIn(router.match(ctx.path, ctx.method).path as MatchedLayer[], ctx.method);
      if (name) return name;
    }
    return null;
  }
}

/** The route layer for this method, else any route layer of the path (a 405). */
function templateIn(layers: readonly MatchedLayer[], method: string): string | null {
  let anyMethod: MatchedLayer | undefined;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (layer.methods.length === 0) continue; // router.use() middleware, not a route
    if (layer.methods.includes(method)) return String(layer.path);
    anyMethod ??= layer;
  }
  return anyMethod ? String(anyMethod.path) : null;
}

/** For logs when no route matched: the first path segment only (`/favicon.ico`, `/v1`). */
export function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end === -1 ? path : path.slice(0, end);
}
