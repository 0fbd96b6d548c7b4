import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { setHeader } from '../http/setHeader';

/** Every response carries X-Request-Id; error bodies repeat it as `requestId`. */
export function requestId(): Middleware {
  return function requestIdMiddleware(ctx, next) {
    const id = randomUUID();
    ctx.state.requestId = id;
    setHeader(ctx, 'X-Request-Id', id);
    return next();
  };
}
