import KoaPassportModule from 'koa-passport';
import type { AccountService } from '../services/accounts';
import type { KeyVerifier } from '../services/keyVerifier';
import { ApiKeyStrategy } from './apiKeyStrategy';
import { AccessTokenStrategy } from './bearerStrategy';

export type Passport = InstanceType<typeof KoaPassportModule.KoaPassport>;

/** A passport instance per app (not koa-passport's module singleton) with both strategies. */
export function createPassport(verifier: KeyVerifier, accounts: AccountService) {
  const passport = new KoaPassportModule.KoaPassport();
  const apiKeyStrategy = new ApiKeyStrategy(verifier);
  passport.use(apiKeyStrategy);
  passport.use(new AccessTokenStrategy(accounts));
  return { passport, apiKeyStrategy };
}
