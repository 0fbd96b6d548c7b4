import type { Context } from 'koa';
import pino, { type Logger } from 'pino';
import { firstSegment, type RouteNames } from '../http/routeNames';
import type { SettledObserver } from './errorRenderer';

/**
 * One line per request, once its status is final, at level info:
 *
 * `{"level":30,"time":<ms>,"pid":<pid>,"hostname":"<host>","requestId":"…","method":"GET","route":"/v1/api_keys/:id","status":200,"durationMs":1.25,"organizationId":"…","apiKeyId":"…","address":"127.0.0.1","msg":"request"}`
 *
 * The fields are always in this order; `organizationId` and `apiKeyId` only when the request was
 * authenticated, and `"aborted":true` before `msg` when the client went away before the answer.
 * `route` is the route template, or the first path segment when no route matched. Never the
 * headers, the query string or the body, so never a credential. `durationMs` runs from the error
 * renderer's start to the final status (the answer is written right after).
 *
 * The error renderer calls it once the status is final (a SettledObserver, like usage recording):
 * a middleware of its own cost a promise and a microtask more per request. The line is written as
 * a string onto the logger's own destination (in production the batched stdout of
 * app/infra/logDestination.ts), in the logger's format: building it by hand instead of through
 * pino's object serialization, redaction and a response listener per request is what keeps its
 * cost small (docs/performance.md). Its fields are not secrets and need no redaction.
 *
 * The app builds it only when the logger's level lets info through: above info the request path
 * does not pay for it at all.
 */
export function accessLog(logger: Logger, routes: RouteNames): SettledObserver {
  const line = accessLine(logger, routes);
  const stream = (logger as unknown as Record<symbol, { write(line: string): void }>)[pino.symbols.streamSym]!;
  return function accessLogOf(ctx, startedAt) {
    stream.write(line(ctx, startedAt));
  };
}

/** The line's text for a request (exported for its tests). */
export function accessLine(logger: Logger, routes: RouteNames): (ctx: Context, startedAt: number) => string {
  // `,"pid":…,"hostname":"…"` and any bindings of the logger, as pino writes them.
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const str = JSON.stringify;
  // Route templates are few, a client's address repeats, and many lines share a millisecond:
  // each is turned into text once rather than on every line.
  const quotedRoutes = new Map<string, string>();
  const quoteRoute = (route: string) => {
    let quoted = quotedRoutes.get(route);
    if (quoted === undefined) quotedRoutes.set(route, (quoted = str(route)));
    return quoted;
  };
  let address = '';
  let quotedAddress = '""';
  let time = 0;
  let timeText = '0';
  // Written without escaping: the request id and the ids are this server's own hex, and Node's
  // HTTP parser only lets a request through with a method of uppercase letters. The route (the
  // first path segment when none matched) and the address (X-Forwarded-For behind TRUST_PROXY)
  // come from the client and are escaped.
  return (ctx, startedAt) => {
    const { organization, apiKey } = ctx.state;
    const durationMs = hundredths(performance.now() - startedAt);
    const now = Date.now();
    if (now !== time) {
      time = now;
      timeText = String(now);
    }
    const route = routes.of(ctx);
    const quotedRoute = route === null ? str(firstSegment(ctx.path)) : quoteRoute(route);
    // The client address the throttles use (ctx.ip: the socket, or X-Forwarded-For per TRUST_PROXY).
    const ip = ctx.ip;
    if (ip !== address) {
      address = ip;
      quotedAddress = str(ip);
    }
    return (
      `{"level":30,"time":${timeText}${bindings},"requestId":"${ctx.state.requestId}","method":"${ctx.method}"` +
      `,"route":${quotedRoute},"status":${ctx.status},"durationMs":${durationMs}` +
      (organization ? `,"organizationId":"${organization.id}"` : '') +
      (apiKey ? `,"apiKeyId":"${apiKey.id}"` : '') +
      `,"address":${quotedAddress}` +
      (ctx.writable ? '' : ',"aborted":true') +
      ',"msg":"request"}\n'
    );
  };
}

/**
 * Milliseconds rounded to hundredths, in the text `String(Math.round(ms * 100) / 100)` gives
 * (`3`, `0.1`, `1.25`), made from integers: a fraction costs a shortest-decimal conversion.
 */
export function hundredths(ms: number): string {
  const total = Math.round(ms * 100);
  if (!(total >= 0 && total < 0x3fffffff)) return String(total / 100);
  const whole = Math.floor(total / 100);
  const part = total - whole * 100;
  if (part === 0) return `${whole}`;
  if (part % 10 === 0) return `${whole}.${part / 10}`;
  return part < 10 ? `${whole}.0${part}` : `${whole}.${part}`;
}
