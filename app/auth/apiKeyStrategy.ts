import { Strategy } from 'passport-strategy';
import type { KeyState } from '../domain/types';
import type { ErrorCode } from '../errors';
import { parseBearer } from '../lib/bearer';
import { API_KEY_PREFIX, isWellFormed } from '../lib/credentials';
import type { KeyVerification, KeyVerifier } from '../services/keyVerifier';

/** What the strategy reads: the header, or the secret extractApiKey already found in it. */
export interface ApiKeyRequest {
  headers: { authorization?: string };
  apiKeySecret?: string;
}

export interface AuthChallenge {
  code: ErrorCode;
  /** The refused key's record, when the key exists (for usage counts, never for the response). */
  key?: KeyState;
}

/**
 * The `api_key` passport strategy. It reads only the Authorization header (never the query string
 * or body, unlike passport-http-bearer) and delegates the lookup to the KeyVerifier service.
 */
export class ApiKeyStrategy extends Strategy {
  readonly name = 'api_key';

  constructor(private readonly verifier: KeyVerifier) {
    super();
  }

  override authenticate(req: unknown): void {
    const request = req as ApiKeyRequest;
    // On /v1 the extract step has already checked the secret's shape; elsewhere check it here.
    let secret = request.apiKeySecret;
    if (secret === undefined) {
      const raw = parseBearer(request.headers.authorization);
      if (!raw) return this.fail(challenge('missing_api_key'), 401);
      if (!isWellFormed(raw, API_KEY_PREFIX)) return this.fail(challenge('malformed_api_key'), 401);
      secret = raw;
    }
    const result = this.verifier.verify(secret);
    // A key this process holds is decided now, without a promise (strategyRunner returns it).
    if (!(result instanceof Promise)) return this.decide(result);
    result.then(
      (r) => this.decide(r),
      (err: Error) => this.error(err),
    );
  }

  private decide(result: KeyVerification): void {
    if (result.ok) this.success(result.key);
    else this.fail(result.key ? { code: result.code, key: result.key } : challenge(result.code), 401);
  }
}

export function challenge(code: ErrorCode): AuthChallenge {
  return { code };
}
