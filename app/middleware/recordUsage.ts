import type { Middleware } from 'koa';
import { firstSegment, type RouteNames } from '../http/routeNames';
import type { UsageRecorder } from '../services/usageRecorder';

/**
 * Hands every finished /v1 request with a known key (admitted or refused for its state) to the
 * usage recorder: a few Map operations in process, no I/O (docs/usage.md). Installed outside the
 * error renderer, so it sees the status the client got.
 */
export function recordUsage(recorder: UsageRecorder, routes: RouteNames): Middleware {
  return function recordUsageMiddleware(ctx, next) {
    if (!ctx.path.startsWith('/v1')) return next();
    const started = performance.now();
    return next().then(() => {
      const { apiKey, refusedKey, rateLimit } = ctx.state;
      const key = apiKey ?? refusedKey?.key;
      if (!key) return;
      const at = Date.now();
      const status = ctx.status;
      recorder.record({
        organizationId: key.organizationId,
        apiKeyId: key.id,
        refused: refusedKey?.reason ?? null,
        status,
        at,
        method: ctx.method,
        route: routes.of(ctx) ?? firstSegment(ctx.path),
        path: ctx.path,
        address: ctx.ip,
        userAgent: ctx.get('user-agent'),
        durationMs: performance.now() - started,
        requestId: ctx.state.requestId,
        rateLimited: status === 429 && rateLimit && !rateLimit.allowed ? { limit: rateLimit.limit, resetAt: at + rateLimit.resetSeconds * 1000 } : null,
      });
    });
  };
}
