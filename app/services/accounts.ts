import bcrypt from 'bcryptjs';
import type { Knex } from 'knex';
import type { ApiKey, Organization, User } from '../domain/types';
import { ApiError } from '../errors';
import { isUniqueViolation } from '../infra/dbErrors';
import { ACCESS_TOKEN_PREFIX, generateSecret, hashSecret } from '../lib/credentials';
import { newId } from '../lib/ids';
import type { AccessTokenRepository } from '../repositories/accessTokens';
import type { Db } from '../repositories/db';
import type { UserRepository } from '../repositories/users';
import type { ApiKeyService } from './apiKeys';
import type { InboxService } from './inboxes';
import type { OrganizationService } from './organizations';
import type { Budget, BucketFamily } from './rateLimits';

const BCRYPT_ROUNDS = 10;
// Compared against when the email is unknown, so both failures take the same time.
const DUMMY_HASH = bcrypt.hashSync('not-a-real-password', BCRYPT_ROUNDS);
export const LOGIN_BUDGET_PER_EMAIL = { points: 20, duration: 900 };
export const LOGIN_BUDGET_PER_ADDRESS = { points: 100, duration: 900 };

export interface Registration {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

export type TokenCheck = { ok: true; user: User; tokenId: string } | { ok: false; code: 'invalid_token' | 'token_expired' };

/** Users, passwords and access tokens. */
export class AccountService {
  constructor(
    private readonly deps: {
      knex: Knex;
      users: UserRepository;
      tokens: AccessTokenRepository;
      organizations: OrganizationService;
      apiKeys: ApiKeyService;
      inboxes: InboxService;
      loginBuckets: BucketFamily;
      /** Registrations per client address (REGISTER_LIMIT_*). */
      registerBuckets: BucketFamily;
      registerBudget: Budget;
      tokenTtlDays: number;
    },
  ) {}

  /** User, default organization (owner), default API key, default inbox and a token, all or nothing. */
  async register(input: Registration, address: string) {
    // Before the bcrypt and the inserts: each registration is a new organization with fresh budgets.
    const decision = await this.deps.registerBuckets.consume(address, this.deps.registerBudget);
    if (!decision.allowed) {
      throw new ApiError('register_throttled', undefined, undefined, { 'Retry-After': String(decision.resetSeconds) });
    }
    const passwordHash = await bcrypt.hash(input.password, BCRYPT_ROUNDS);
    const now = Date.now();
    const user: User = {
      id: newId(now),
      email: input.email.toLowerCase(),
      firstName: input.firstName,
      lastName: input.lastName,
      createdAt: now,
      updatedAt: now,
    };
    let created: { organization: Organization; apiKey: { key: ApiKey; secret: string }; token: string };
    try {
      created = await this.deps.knex.transaction(async (trx) => {
        await this.deps.users.insert(user, passwordHash, trx);
        const organization = await this.deps.organizations.create(user.id, 'Default Organization', trx);
        const apiKey = await this.deps.apiKeys.create(organization.id, { name: 'Default API Key' }, trx);
        await this.deps.inboxes.createDefault(organization.id, user.email, trx);
        const token = await this.issueToken(user.id, trx);
        return { organization, apiKey, token };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('email_taken');
      throw err;
    }
    await this.deps.apiKeys.prime(created.apiKey.key);
    return { user, ...created };
  }

  async login(email: string, password: string, address: string): Promise<{ user: User; token: string }> {
    const normalized = email.toLowerCase();
    await this.throttleLogin(normalized, address);
    const found = await this.deps.users.findByEmail(normalized);
    const matches = await bcrypt.compare(password, found?.passwordHash ?? DUMMY_HASH);
    if (!found || !matches) throw new ApiError('invalid_credentials');
    return { user: found.user, token: await this.issueToken(found.user.id) };
  }

  async checkToken(secret: string, now = Date.now()): Promise<TokenCheck> {
    const token = await this.deps.tokens.findByHash(hashSecret(secret));
    if (!token) return { ok: false, code: 'invalid_token' };
    if (token.expiresAt <= now) return { ok: false, code: 'token_expired' };
    const user = await this.deps.users.findById(token.userId);
    if (!user) return { ok: false, code: 'invalid_token' };
    return { ok: true, user, tokenId: token.id };
  }

  logout(tokenId: string): Promise<void> {
    return this.deps.tokens.delete(tokenId);
  }

  private async issueToken(userId: string, db?: Db): Promise<string> {
    const secret = generateSecret(ACCESS_TOKEN_PREFIX);
    const now = Date.now();
    await this.deps.tokens.insert(
      {
        id: newId(now),
        userId,
        tokenHash: hashSecret(secret),
        expiresAt: now + this.deps.tokenTtlDays * 86_400_000,
        createdAt: now,
      },
      db,
    );
    return secret;
  }

  private async throttleLogin(email: string, address: string): Promise<void> {
    const buckets = this.deps.loginBuckets;
    const [byEmail, byAddress] = await Promise.all([
      buckets.consume(`email:${email}`, LOGIN_BUDGET_PER_EMAIL),
      buckets.consume(`addr:${address}`, LOGIN_BUDGET_PER_ADDRESS),
    ]);
    const refused = [byEmail, byAddress].find((d) => !d.allowed);
    if (refused) {
      throw new ApiError('login_throttled', undefined, undefined, { 'Retry-After': String(refused.resetSeconds) });
    }
  }
}
