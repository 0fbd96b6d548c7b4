import type { Context, Middleware, Next } from 'koa';
import type { AuthChallenge, ApiKeyStrategy } from '../auth/apiKeyStrategy';
import { strategyRunner, type StrategyOutcome } from '../auth/strategyRunner';
import type { KeyState } from '../domain/types';
import { ApiError, type ErrorCode } from '../errors';
import type { AuthFailureThrottle } from '../services/authFailures';
import type { LastUsedTracker } from '../services/lastUsed';
import type { RejectionReason } from '../domain/usage';

const REJECTION_REASONS: Partial<Record<ErrorCode, RejectionReason>> = {
  invalid_api_key: 'deleted',
  api_key_inactive: 'inactive',
  api_key_expired: 'expired',
};

/**
 * Steps 2 and 3: the `api_key` passport strategy looks the key up (in-process cache, Redis,
 * MySQL) and rejects deleted, deactivated and expired keys. Each such failure of a well-formed
 * key counts against the client address. A key this process holds is decided synchronously.
 */
export function authenticateApiKey(strategy: ApiKeyStrategy, authFailures: AuthFailureThrottle, lastUsed: LastUsedTracker): Middleware {
  const run = strategyRunner<KeyState>(strategy);

  function admit(ctx: Context, outcome: StrategyOutcome<KeyState>, next: Next): Promise<unknown> {
    if (!outcome.ok) return refuse(ctx, outcome.challenge as AuthChallenge | undefined);
    ctx.state.apiKey = outcome.user;
    lastUsed.touch(outcome.user.id, Date.now());
    return next();
  }

  async function refuse(ctx: Context, challenge: AuthChallenge | undefined): Promise<never> {
    if (challenge?.key) ctx.state.refusedKey = { key: challenge.key, reason: REJECTION_REASONS[challenge.code] ?? 'deleted' };
    const wait = await authFailures.recordFailure(ctx.ip);
    if (wait > 0) throw new ApiError('too_many_failed_attempts', undefined, undefined, { 'Retry-After': String(wait) });
    throw new ApiError(challenge?.code ?? 'invalid_api_key');
  }

  return function authenticateApiKeyMiddleware(ctx, next) {
    const outcome = run({ headers: ctx.headers, apiKeySecret: ctx.state.apiKeySecret });
    return outcome instanceof Promise ? outcome.then((o) => admit(ctx, o, next)) : admit(ctx, outcome, next);
  };
}
