import { hash } from 'node:crypto';
import stringify from 'safe-stable-stringify';

// Idempotent writes (docs/api.md, "Idempotent requests"): what identifies a key and a request.

/** 1 to 255 printable ASCII characters (space to tilde), as Stripe allows (docs/api.md). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

export function isIdempotencyKey(value: string): boolean {
  return IDEMPOTENCY_KEY_PATTERN.test(value);
}

/**
 * Keys are stored and compared by their SHA-256: byte for byte in every database (MySQL's string
 * collations ignore case and trailing spaces, which would make `abc` and `ABC ` one key), and in
 * a fixed 64 characters whatever the key's length.
 */
export function idempotencyKeyHash(key: string): string {
  return hash('sha256', key, 'hex');
}

/**
 * The body as a careful client thinks of it: the parsed JSON written again with every object's
 * keys sorted and no whitespace. Key order, spacing, escapes and number spellings (`1.0`, `1e0`)
 * do not change it; values and array order do. A request without a body reads as `{}`.
 */
export function canonicalBody(body: unknown): string {
  return stringify(body ?? {}) ?? 'null';
}

/** What a replay must match: the method, the path as sent (query string included) and the body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  const bodyHash = hash('sha256', canonicalBody(body), 'hex');
  return hash('sha256', `${method.toUpperCase()} ${url}\n${bodyHash}`, 'hex');
}

/**
 * Secrets an answer shows once: a new API key's `key` (POST /api_keys, /api_keys/:id/roll) and a
 * new webhook's signing `secret` (POST /webhooks). They are never kept: the database holds only a
 * key's SHA-256, and a secret is shown once. A replay answers the object without them.
 */
const ONE_TIME_SECRETS = ['key', 'secret', 'token'];

/** The JSON to keep for an answer: `body` without its one-time secrets. */
export function keptBody(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return JSON.stringify(body);
  const kept: Record<string, unknown> = { ...body };
  for (const field of ONE_TIME_SECRETS) if (typeof kept[field] === 'string') delete kept[field];
  return JSON.stringify(kept);
}

/** The answer kept for a key: replayed as it is, with `Idempotent-Replayed: true`. */
export interface StoredAnswer {
  status: number;
  /** The JSON body as sent. */
  body: string;
}

/**
 * Which answers are kept. 5xx are not (the reservation is released, so a retry runs again), nor
 * 429s: "try again later" must let the retry run. Every other answer, 4xx included, is final.
 */
export function isKeptStatus(status: number): boolean {
  return status < 500 && status !== 429;
}
