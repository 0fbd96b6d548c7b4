import type { Context } from 'koa';
import type { RateLimitDecision } from '../services/rateLimits';
import { setHeader } from './setHeader';

/** The RateLimit-* headers (docs/api.md), plus Sendook-Degraded while Redis is not answering. */
export function setRateLimitHeaders(ctx: Context, decision: RateLimitDecision): void {
  setHeader(ctx, 'RateLimit-Limit', String(decision.limit));
  setHeader(ctx, 'RateLimit-Remaining', String(decision.remaining));
  setHeader(ctx, 'RateLimit-Reset', String(decision.resetSeconds));
  setHeader(ctx, 'RateLimit-Policy', decision.policy);
  if (decision.degraded) setHeader(ctx, 'Sendook-Degraded', 'redis');
  if (!decision.allowed) setHeader(ctx, 'Retry-After', String(Math.max(1, decision.resetSeconds)));
}
