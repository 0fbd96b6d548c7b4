import type { Context, Middleware } from 'koa';
import pino, { type Logger } from 'pino';
import { firstSegment, type RouteNames } from '../http/routeNames';

/**
 * One line per request, once its status is final, at level info:
 *
 * `{"level":30,"time":<ms>,"pid":<pid>,"hostname":"<host>","requestId":"…","method":"GET","route":"/v1/api_keys/:id","status":200,"durationMs":1.25,"organizationId":"…","apiKeyId":"…","address":"127.0.0.1","msg":"request"}`
 *
 * The fields are always in this order; `organizationId` and `apiKeyId` only when the request was
 * authenticated, and `"aborted":true` before `msg` when the client went away before the answer.
 * `route` is the route template, or the first path segment when no route matched. Never the
 * headers, the query string or the body, so never a credential. `durationMs` runs from this
 * middleware to the final status (the answer is written right after).
 *
 * The line is written as a string onto the logger's own destination (in production the buffered
 * stdout of app/infra/logDestination.ts), in the logger's format: building it by hand instead of
 * through pino's object serialization, redaction and a response listener per request is what
 * keeps its cost small (docs/performance.md). Its fields are not secrets and need no redaction.
 *
 * The app installs it only when the logger's level lets info through: above info the request path
 * does not pay for it at all.
 */
export function accessLog(logger: Logger, routes: RouteNames): Middleware {
  const line = accessLine(logger, routes);
  const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym]!;
  // Not async: one `then` on koa-compose's promise (which never throws synchronously).
  return function accessLogMiddleware(ctx, next) {
    const startedAt = performance.now();
    return next().then(
      () => stream.write(line(ctx, startedAt)),
      (err: unknown) => {
        // Only what escaped the error renderer, which Koa answers with a 500.
        stream.write(line(ctx, startedAt, 500));
        throw err;
      },
    );
  };
}

/** The line's text for a request (exported for its tests). */
export function accessLine(logger: Logger, routes: RouteNames): (ctx: Context, startedAt: number, status?: number) => string {
  // `,"pid":…,"hostname":"…"` and any bindings of the logger, as pino writes them.
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const str = JSON.stringify;
  return (ctx, startedAt, status = ctx.status) => {
    const { organization, apiKey } = ctx.state;
    const durationMs = Math.round((performance.now() - startedAt) * 100) / 100;
    return (
      `{"level":30,"time":${Date.now()}${bindings},"requestId":${str(ctx.state.requestId)},"method":${str(ctx.method)}` +
      `,"route":${str(routes.of(ctx) ?? firstSegment(ctx.path))},"status":${status},"durationMs":${durationMs}` +
      (organization ? `,"organizationId":${str(organization.id)}` : '') +
      (apiKey ? `,"apiKeyId":${str(apiKey.id)}` : '') +
      // The client address the throttles use (ctx.ip: the socket, or X-Forwarded-For per TRUST_PROXY).
      `,"address":${str(ctx.ip)}` +
      (ctx.writable ? '' : ',"aborted":true') +
      ',"msg":"request"}\n'
    );
  };
}
