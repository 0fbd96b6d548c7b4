import type { Middleware } from 'koa';
import type { RouteNames } from '../http/routeNames';
import type { HttpStats } from '../metrics/httpStats';

/**
 * Requests by route template and status, and their latency, for /metrics. Installed only when
 * METRICS_PORT is set; it adds to plain numbers (see metrics/httpStats.ts). Runs outside the
 * error renderer, so it sees the status actually sent.
 */
export function observeRequest(http: HttpStats, routes: RouteNames): Middleware {
  return async function observeRequestMiddleware(ctx, next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      http.record(ctx.method, routes.of(ctx) ?? 'unmatched', ctx.status, (performance.now() - started) / 1000);
    }
  };
}
