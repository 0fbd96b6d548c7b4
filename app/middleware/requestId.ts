import { randomBytes } from 'node:crypto';
import type { Middleware } from 'koa';
import { setHeader } from '../http/setHeader';

/** Every response carries X-Request-Id; error bodies repeat it as `requestId`. */
export function requestId(): Middleware {
  const next = requestIds();
  return function requestIdMiddleware(ctx, nextMiddleware) {
    const id = next();
    ctx.state.requestId = id;
    setHeader(ctx, 'X-Request-Id', id);
    return nextMiddleware();
  };
}

/**
 * Unique request ids at the cost of a counter: about 74 random bits drawn once per app, then a
 * 48-bit counter, laid out as a version-4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-cccccccccccc`) so that
 * logs and tools that expect one keep working. A random UUID per request drew from the CSPRNG
 * pool and formatted 16 fresh bytes each time; the id needs to be unique, not unpredictable.
 */
export function requestIds(): () => string {
  const hex = randomBytes(10).toString('hex');
  const variant = ((parseInt(hex[15]!, 16) & 0x3) | 0x8).toString(16);
  const prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${variant}${hex.slice(16, 19)}-`;
  let counter = 0;
  return () => prefix + (counter++).toString(16).padStart(12, '0');
}
