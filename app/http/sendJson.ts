import type { Context } from 'koa';
import { setHeader } from './setHeader';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `ctx.body = value` for a JSON object, with the same bytes on the wire, for the hot routes
 * (`GET /v1/health`). Koa's `ctx.body` for an object goes through its delegated setter (a keyed
 * store V8 hands to the runtime), looks the type up by name, and sets Content-Type and, in
 * `respond`, Content-Length through `ctx.set`; then it serialises. Here the value is serialised
 * once and handed over as a string whose type is already set, which Koa sends as it is.
 */
export function sendJson(ctx: Context, value: unknown): void {
  setHeader(ctx, 'Content-Type', JSON_TYPE);
  ctx.response.body = JSON.stringify(value);
}
