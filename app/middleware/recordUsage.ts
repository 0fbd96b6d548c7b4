import type { Context } from 'koa';
import { firstSegment, type RouteNames } from '../http/routeNames';
import type { UsageRecorder } from '../services/usageRecorder';
import type { SettledObserver } from './errorRenderer';

/**
 * Hands every finished /v1 request with a known key (admitted or refused for its state) to the
 * usage recorder: a few Map operations in process, no I/O (docs/usage.md). The error renderer
 * calls it once the status is final, so it sees the status the client got.
 */
export function recordUsage(recorder: UsageRecorder, routes: RouteNames): SettledObserver {
  return function recordUsageOf(ctx: Context, startedAt: number): void {
    const { apiKey, refusedKey, rateLimit } = ctx.state;
    const key = apiKey ?? refusedKey?.key;
    // Only /v1 requests carry a key or a refused one (the pipeline sets them).
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
      durationMs: performance.now() - startedAt,
      requestId: ctx.state.requestId,
      rateLimited: status === 429 && rateLimit && !rateLimit.allowed ? { limit: rateLimit.limit, resetAt: at + rateLimit.resetSeconds * 1000 } : null,
      replayed: ctx.state.replayed,
    });
  };
}
