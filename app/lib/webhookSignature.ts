import { createHmac, timingSafeEqual } from 'node:crypto';

// How a webhook delivery is signed (docs/email.md#a-delivery):
// `Sendook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with the
// webhook's secret (its UTF-8 bytes, prefix included). The timestamp is inside the signed text so
// a captured delivery cannot be replayed later with a fresh `t`.

export const SIGNATURE_HEADER = 'Sendook-Signature';

export function signPayload(secret: string, body: string, timestamp: number): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${hmac}`;
}

/**
 * What a receiver does: recompute and compare in constant time, and refuse a timestamp older
 * than `toleranceSeconds`. Exported for tests and as the reference for docs/email.md.
 */
export function verifySignature(header: string, secret: string, body: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
