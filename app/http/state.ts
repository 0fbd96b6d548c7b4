import type { KeyState, MemberRole, Organization, User } from '../domain/types';
import type { RejectionReason } from '../domain/usage';
import type { RateLimitDecision } from '../services/rateLimits';

// Typed ctx.state: each step of the pipeline writes its own field and later steps read it.
declare module 'koa' {
  interface DefaultState {
    requestId: string;
    /** The well-formed secret found by extractApiKey (/v1 only). */
    apiKeySecret?: string;
    apiKey?: KeyState;
    /** A known key refused for its state (deleted, deactivated, expired): usage counts it. */
    refusedKey?: { key: KeyState; reason: RejectionReason };
    organization?: Organization;
    rateLimit?: RateLimitDecision;
    /** Set on /auth and /organizations by the bearer (access token) strategy. */
    user?: User;
    accessTokenId?: string;
    role?: MemberRole;
    /** Answered with the kept answer of an earlier request with the same Idempotency-Key. */
    replayed?: boolean;
  }
}

export {};
