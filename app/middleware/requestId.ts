import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

/** Every response carries X-Request-Id; error bodies repeat it as `requestId`. */
export function requestId(): Middleware {
  return function requestIdMiddleware(ctx, next) {
    const id = randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    return next();
  };
}
