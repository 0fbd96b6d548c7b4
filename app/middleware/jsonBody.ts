import type { Context, Middleware, Next } from 'koa';
import getRawBody from 'raw-body';
import { ApiError } from '../errors';

// Fatal: a body that is not valid UTF-8 is refused instead of being silently "repaired".
const utf8 = new TextDecoder('utf-8', { fatal: true });

declare module 'koa' {
  interface Request {
    body?: unknown;
  }
}

/**
 * JSON request bodies only. A body of another type is 415, one over the limit 413, malformed
 * JSON or invalid UTF-8 400; a request without a body (or an empty one) reads as `{}`.
 */
export function jsonBody(limit: string): Middleware {
  // Not async itself: most /v1 requests are reads, and they pass through without a promise.
  return function jsonBodyMiddleware(ctx, next) {
    const skip = ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'DELETE' || ctx.request.body !== undefined;
    return skip ? next() : readBody(ctx, next, limit);
  };
}

async function readBody(ctx: Context, next: Next, limit: string): Promise<unknown> {
  // null: no body at all (an empty one counts as none); false: a body of another type.
  const isJson = ctx.request.length === 0 ? null : ctx.is('application/json');
  if (isJson === false) throw new ApiError('unsupported_media_type');
  if (isJson === null) {
    ctx.request.body = {};
    return next();
  }
  ctx.request.body = parse(await read(ctx.req, limit, ctx.request.length));
  return next();
}

async function read(req: NodeJS.ReadableStream, limit: string, length: number | undefined): Promise<Buffer> {
  try {
    return await getRawBody(req as never, { limit, length });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') throw new ApiError('payload_too_large', `The request body is larger than ${limit}.`);
    throw new ApiError('invalid_json', 'The request body could not be read completely.');
  }
}

function parse(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new ApiError('invalid_json', 'The request body is not valid UTF-8.');
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json');
  }
}
