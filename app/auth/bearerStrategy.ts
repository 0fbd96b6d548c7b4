import { Strategy } from 'passport-strategy';
import { parseBearer } from '../lib/bearer';
import { ACCESS_TOKEN_PREFIX, isWellFormed } from '../lib/credentials';
import type { AccountService } from '../services/accounts';
import { challenge } from './apiKeyStrategy';

/**
 * The `bearer` passport strategy for user access tokens (/auth, /organizations). Like the API key
 * strategy it reads only the Authorization header.
 */
export class AccessTokenStrategy extends Strategy {
  readonly name = 'bearer';

  constructor(private readonly accounts: AccountService) {
    super();
  }

  override authenticate(req: unknown): void {
    const secret = parseBearer((req as { headers: { authorization?: string } }).headers.authorization);
    if (!secret) return this.fail(challenge('missing_token'), 401);
    if (!isWellFormed(secret, ACCESS_TOKEN_PREFIX)) return this.fail(challenge('malformed_token'), 401);
    this.accounts.checkToken(secret).then(
      (result) => (result.ok ? this.success(result.user, { tokenId: result.tokenId }) : this.fail(challenge(result.code), 401)),
      (err: Error) => this.error(err),
    );
  }
}
