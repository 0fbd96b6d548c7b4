import type { Middleware } from 'koa';
import { ApiError } from '../errors';
import { parseBearer } from '../lib/bearer';
import { ACCESS_TOKEN_PREFIX, API_KEY_PREFIX, isWellFormed } from '../lib/credentials';
import type { AuthFailureThrottle } from '../services/authFailures';

/**
 * Step 1: the bearer secret, checked for shape and checksum with no I/O at all. A malformed
 * secret costs nothing and is not counted as a failed attempt; an address already throttled for
 * failures is refused here, before any Redis or MySQL work.
 */
export function extractApiKey(authFailures: AuthFailureThrottle): Middleware {
  return function extractApiKeyMiddleware(ctx, next) {
    const secret = parseBearer(ctx.headers.authorization);
    if (secret === null) throw new ApiError('missing_api_key');
    if (!isWellFormed(secret, API_KEY_PREFIX)) {
      const hint = secret.startsWith(ACCESS_TOKEN_PREFIX) ? 'This is an access token; /v1 takes an API key (sndk_...).' : undefined;
      throw new ApiError('malformed_api_key', hint);
    }
    const wait = authFailures.secondsBlocked(ctx.ip);
    if (wait > 0) throw new ApiError('too_many_failed_attempts', undefined, undefined, { 'Retry-After': String(wait) });
    ctx.state.apiKeySecret = secret;
    return next();
  };
}
