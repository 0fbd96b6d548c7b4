import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { ApiError } from '../errors';

/**
 * JSON request bodies only. A body of another type is 415, malformed JSON 400, one over the
 * limit 413; a request without a body reads as `{}`.
 */
export function jsonBody(limit: string): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8', jsonStrict: true });
  return async function jsonBodyMiddleware(ctx, next) {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'DELETE') return next();
    // null: no body at all (an empty one counts as none); false: a body of another type.
    const isJson = ctx.request.length === 0 ? null : ctx.is('application/json');
    if (isJson === false) throw new ApiError('unsupported_media_type');
    if (isJson === null) {
      ctx.request.body = {};
      return next();
    }
    try {
      await parse(ctx, async () => undefined);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 413) throw new ApiError('payload_too_large');
      if (status === 415) throw new ApiError('unsupported_media_type');
      throw new ApiError('invalid_json');
    }
    return next();
  };
}
