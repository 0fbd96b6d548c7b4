import type { Context } from 'koa';
import type { RateLimitDecision } from '../services/rateLimits';

/** Contract section 4's RateLimit-* headers, plus Sendook-Degraded while Redis is not answering. */
export function setRateLimitHeaders(ctx: Context, decision: RateLimitDecision): void {
  ctx.set('RateLimit-Limit', String(decision.limit));
  ctx.set('RateLimit-Remaining', String(decision.remaining));
  ctx.set('RateLimit-Reset', String(decision.resetSeconds));
  ctx.set('RateLimit-Policy', decision.policy);
  if (decision.degraded) ctx.set('Sendook-Degraded', 'redis');
  if (!decision.allowed) ctx.set('Retry-After', String(Math.max(1, decision.resetSeconds)));
}
