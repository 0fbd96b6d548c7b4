import type { TieredCache } from '../cache/tieredCache';
import type { KeyState } from '../domain/types';
import { hashSecret } from '../lib/credentials';

export type KeyDenial = 'invalid_api_key' | 'api_key_inactive' | 'api_key_expired';
export type KeyVerification = { ok: true; key: KeyState; hash: string } | { ok: false; code: KeyDenial; hash: string };

/**
 * Verifies a well-formed API key: hash, tiered lookup, state checks. Expected denials are values;
 * a lookup that cannot be answered (Redis and MySQL both failing) throws.
 */
export class KeyVerifier {
  constructor(private readonly keys: TieredCache<KeyState>) {}

  async verify(secret: string, now = Date.now()): Promise<KeyVerification> {
    const hash = hashSecret(secret);
    const key = await this.keys.get(hash);
    if (key === null || key.deleted) return { ok: false, code: 'invalid_api_key', hash };
    if (!key.active) return { ok: false, code: 'api_key_inactive', hash };
    if (key.expiresAt !== null && key.expiresAt <= now) return { ok: false, code: 'api_key_expired', hash };
    return { ok: true, key, hash };
  }
}
