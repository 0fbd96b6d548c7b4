import { hash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

// A key or token: `<prefix>` + 32 random base62 characters + a 6-character base62 CRC-32
// of everything before it. The checksum lets us reject typos and garbage without any I/O.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;

export const API_KEY_PREFIX = 'sndk_';
export const ACCESS_TOKEN_PREFIX = 'sndt_';
export type CredentialPrefix = typeof API_KEY_PREFIX | typeof ACCESS_TOKEN_PREFIX;

const SECRET_LENGTH = API_KEY_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
const BODY_PATTERN = /^[0-9A-Za-z]+$/;

function base62(value: number, width: number): string {
  let out = '';
  let n = value;
  while (n > 0) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(width, '0');
}

export function checksum(body: string): string {
  return base62(crc32(body), CHECKSUM_LENGTH);
}

function randomBase62(length: number): string {
  // Rejection sampling keeps every character uniform: 248 = 4 * 62.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function generateSecret(prefix: CredentialPrefix): string {
  const body = prefix + randomBase62(RANDOM_LENGTH);
  return body + checksum(body);
}

/** True when `secret` has the shape and checksum of a credential with this prefix. */
export function isWellFormed(secret: string, prefix: CredentialPrefix): boolean {
  if (secret.length !== SECRET_LENGTH || !secret.startsWith(prefix)) return false;
  const rest = secret.slice(prefix.length);
  if (!BODY_PATTERN.test(rest)) return false;
  const cut = SECRET_LENGTH - CHECKSUM_LENGTH;
  return checksum(secret.slice(0, cut)) === secret.slice(cut);
}

/** What is stored in the database and in Redis instead of the secret. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** The part of a key that may be shown after creation: prefix plus 4 random characters. */
export function secretStart(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX.length + 4);
}
