import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { firstSegment, type RouteNames } from '../http/routeNames';

/**
 * One pino-http line per request, when the response is finished:
 * `{ requestId, method, route, status, durationMs, organizationId?, apiKeyId?, address, msg: "request" }`.
 * `route` is the route template (`/v1/api_keys/:id`), or the first path segment when no route
 * matched. Never the headers, the query string or the body, so never a credential.
 *
 * The app installs it only when the logger's level lets info through: above info the request path
 * does not pay for it at all.
 */
export function accessLog(logger: Logger, routes: RouteNames): Middleware {
  const contexts = new WeakMap<IncomingMessage, Context>();
  const line = (req: IncomingMessage, res: ServerResponse, val: { durationMs: number }) => {
    const ctx = contexts.get(req);
    return {
      requestId: req.id,
      method: req.method,
      route: ctx ? (routes.of(ctx) ?? firstSegment(ctx.path)) : undefined,
      status: res.statusCode,
      durationMs: val.durationMs,
      organizationId: ctx?.state.organization?.id,
      apiKeyId: ctx?.state.apiKey?.id,
      // The client address the throttles use (ctx.ip: the socket, or X-Forwarded-For per TRUST_PROXY).
      address: ctx?.ip,
      // The client went away before the response was sent.
      ...(res.writableFinished ? {} : { aborted: true }),
    };
  };
  const httpLogger = pinoHttp({
    logger,
    useLevel: 'info',
    // The X-Request-Id that middleware/requestId.ts has just set.
    genReqId: (_req, res) => String(res.getHeader('x-request-id')),
    customAttributeKeys: { responseTime: 'durationMs' },
    // The request is never serialized (its child-logger binding serializes to nothing). Not
    // quietReqLogger: its extra child logger per request tripled pino-http's cost.
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined },
    customSuccessObject: line,
    customErrorObject: (req, res, _err, val) => line(req, res, val),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  });
  return function accessLogMiddleware(ctx, next) {
    contexts.set(ctx.req, ctx);
    httpLogger(ctx.req, ctx.res);
    return next();
  };
}
