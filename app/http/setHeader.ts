import type { Context } from 'koa';

/**
 * `ctx.set(name, value)` for one string value. Koa 3's set builds two arrays and a closure per
 * call to accept objects and arrays too; every /v1 response sets five headers this way.
 */
export function setHeader(ctx: Context, name: string, value: string): void {
  if (!ctx.res.headersSent) ctx.res.setHeader(name, value);
}
