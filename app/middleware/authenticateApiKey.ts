import type { Middleware } from 'koa';
import type { AuthChallenge, ApiKeyStrategy } from '../auth/apiKeyStrategy';
import { runStrategy } from '../auth/runStrategy';
import type { KeyState } from '../domain/types';
import { ApiError } from '../errors';
import type { AuthFailureThrottle } from '../services/authFailures';
import type { LastUsedTracker } from '../services/lastUsed';

/**
 * Steps 2 and 3: the `api_key` passport strategy looks the key up (in-process cache, Redis,
 * MySQL) and rejects deleted, deactivated and expired keys. Each such failure of a well-formed
 * key counts against the client address.
 */
export function authenticateApiKey(strategy: ApiKeyStrategy, authFailures: AuthFailureThrottle, lastUsed: LastUsedTracker): Middleware {
  return async function authenticateApiKeyMiddleware(ctx, next) {
    const outcome = await runStrategy<KeyState>(strategy, { headers: ctx.headers, apiKeySecret: ctx.state.apiKeySecret });
    if (!outcome.ok) {
      const code = (outcome.challenge as AuthChallenge | undefined)?.code ?? 'invalid_api_key';
      const wait = await authFailures.recordFailure(ctx.ip);
      if (wait > 0) throw new ApiError('too_many_failed_attempts', undefined, undefined, { 'Retry-After': String(wait) });
      throw new ApiError(code);
    }
    ctx.state.apiKey = outcome.user;
    lastUsed.touch(outcome.user.id, Date.now());
    return next();
  };
}
