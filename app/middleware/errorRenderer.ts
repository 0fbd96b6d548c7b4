import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import { ApiError, UnavailableError, type ErrorCode } from '../errors';
import { sendJson } from '../http/sendJson';
import { isConnectionError } from '../infra/dbErrors';

const WWW_AUTHENTICATE = 'Bearer realm="sendook", error="invalid_token"';
// RFC 6750 §3.1: a request that sent no credentials at all gets the challenge without an error code.
const WWW_AUTHENTICATE_BARE = 'Bearer realm="sendook"';
const NO_CREDENTIALS: ReadonlySet<ErrorCode> = new Set(['missing_api_key', 'missing_token']);

/**
 * Told of every request once its status is final (after an error became its response), with the
 * `performance.now()` of when the renderer began: usage recording (app/middleware/recordUsage.ts)
 * and the access log (app/middleware/accessLog.ts).
 * A hook here rather than a middleware of its own: a frame outside the renderer, only to see the
 * status the client gets, cost one more promise and closure per request (docs/performance.md).
 */
export type SettledObserver = (ctx: Context, startedAt: number) => void;

/** The observers that are on (usage recording, the access log), as one; undefined when none is. */
export function settledObservers(...observers: Array<SettledObserver | undefined>): SettledObserver | undefined {
  const on = observers.filter((observer): observer is SettledObserver => observer !== undefined);
  if (on.length <= 1) return on[0];
  return (ctx, startedAt) => {
    for (const observer of on) observer(ctx, startedAt);
  };
}

/**
 * The one place errors become responses: the catalogue's envelope, never HTML, a stack or a
 * secret. Infrastructure failures are 503; anything unexpected is a 500 with a generic message.
 */
export function errorRenderer(logger: Logger, settled?: SettledObserver): Middleware {
  function render(ctx: Context, err: unknown): void {
    const apiError = toApiError(err);
    if (apiError.status >= 500 && apiError.code !== 'not_implemented') logger.error({ err, requestId: ctx.state.requestId }, 'request failed');
    ctx.status = apiError.status;
    sendJson(ctx, errorEnvelope(apiError, ctx.state.requestId));
    if (apiError.status === 401) ctx.set('WWW-Authenticate', NO_CREDENTIALS.has(apiError.code) ? WWW_AUTHENTICATE_BARE : WWW_AUTHENTICATE);
    if (apiError.headers) ctx.set(apiError.headers);
  }

  function notFound(ctx: Context): void {
    if (ctx.status === 404 && ctx.body === undefined) render(ctx, new ApiError('not_found', 'No such route.'));
  }

  // Not async: `next` is koa-compose's dispatch, which never throws and always returns a promise,
  // so one `then` does what an async function's try/await did with a promise less per request.
  return function errorRendererMiddleware(ctx, next) {
    const startedAt = settled ? performance.now() : 0;
    return next().then(
      () => {
        notFound(ctx);
        settled?.(ctx, startedAt);
      },
      (err: unknown) => {
        try {
          render(ctx, err);
        } finally {
          // Even if rendering failed (Koa then answers 500): the request is still logged and counted.
          settled?.(ctx, startedAt);
        }
      },
    );
  };
}

/** The body an error is answered with (docs/api.md). */
export function errorEnvelope(apiError: ApiError, requestId: string) {
  return { error: apiError.message, code: apiError.code, requestId, ...(apiError.details ? { details: apiError.details } : {}) };
}

/** What the client is answered for `err`: its ApiError, 503 for a broken dependency, else 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof UnavailableError || isConnectionError(err)) return new ApiError('service_unavailable');
  // Errors raised by Koa and its body parser for the client's input carry an HTTP status; a 501
  // is the router's answer to a method it does not know (PURGE), the client's doing too.
  const status = (err as { status?: unknown; expose?: unknown } | null)?.status;
  if (typeof status === 'number' && ((status >= 400 && status < 500) || status === 501)) return new ApiError(codeForStatus(status));
  return new ApiError('internal_error');
}

const CODE_FOR_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_json',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  501: 'not_implemented',
};

function codeForStatus(status: number): ErrorCode {
  return CODE_FOR_STATUS[status] ?? 'validation_failed';
}
