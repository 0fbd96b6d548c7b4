import type { TieredCache } from '../cache/tieredCache';
import { keyStatus, type KeyState, type KeyStatus } from '../domain/types';
import { hashSecret } from '../lib/credentials';

export type KeyDenial = 'invalid_api_key' | 'api_key_inactive' | 'api_key_expired';
/** A denial carries the key record when there is one (deleted, inactive, expired): usage counts it. */
export type KeyVerification = { ok: true; key: KeyState; hash: string } | { ok: false; code: KeyDenial; hash: string; key: KeyState | null };

/**
 * Verifies a well-formed API key: hash, tiered lookup, state checks. Expected denials are values;
 * a lookup that cannot be answered (Redis and MySQL both failing) throws, or rejects.
 */
export class KeyVerifier {
  constructor(private readonly keys: TieredCache<KeyState>) {}

  /**
   * Synchronous when this process holds the key (the warm path allocates no promise), a promise
   * when it has to ask Redis or MySQL. `await` takes either.
   */
  verify(secret: string, now = Date.now()): KeyVerification | Promise<KeyVerification> {
    const hash = hashSecret(secret);
    const cached = this.keys.peek(hash);
    if (cached !== undefined) return judge(cached, hash, now);
    return this.keys.get(hash).then((key) => judge(key, hash, now));
  }
}

const DENIALS: Record<Exclude<KeyStatus, 'active'>, KeyDenial> = {
  deleted: 'invalid_api_key',
  inactive: 'api_key_inactive',
  expired: 'api_key_expired',
};

function judge(key: KeyState | null, hash: string, now: number): KeyVerification {
  if (key === null) return { ok: false, code: 'invalid_api_key', hash, key };
  const status = keyStatus(key, now);
  return status === 'active' ? { ok: true, key, hash } : { ok: false, code: DENIALS[status], hash, key };
}
