import type { Middleware } from 'koa';
import type { AuthChallenge } from '../auth/apiKeyStrategy';
import type { Passport } from '../auth/passport';
import type { User } from '../domain/types';
import { ApiError } from '../errors';

/**
 * Access-token authentication for /auth and /organizations through koa-passport's stock
 * middleware (these routes are low-volume). Sets ctx.state.user and accessTokenId.
 */
export function requireUser(passport: Passport): Middleware {
  return async function requireUserMiddleware(ctx, next) {
    let result: { err: unknown; user: User | false; info: unknown } | undefined;
    const authenticate = passport.authenticate('bearer', { session: false }, (err: unknown, user: User | false, info: unknown) => {
      result = { err, user, info };
    });
    await authenticate(ctx, async () => undefined);
    if (!result) throw new Error('bearer strategy did not finish');
    if (result.err) throw result.err;
    if (!result.user) throw new ApiError((result.info as AuthChallenge | undefined)?.code ?? 'invalid_token');
    ctx.state.user = result.user;
    ctx.state.accessTokenId = (result.info as { tokenId: string }).tokenId;
    return next();
  };
}
