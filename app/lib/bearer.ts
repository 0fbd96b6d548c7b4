/**
 * Reads the secret from `Authorization: Bearer <secret>`, the only place credentials are
 * accepted (never the query string or body). The scheme is compared case-insensitively.
 * Returns null when there is no header or another scheme; '' when the scheme has no secret.
 */
export function parseBearer(header: string | undefined): string | null {
  if (header === undefined) return null;
  const space = header.indexOf(' ');
  if (space !== 6 || header.slice(0, 6).toLowerCase() !== 'bearer') return null;
  return header.slice(7).trim();
}
