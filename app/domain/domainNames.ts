import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';

/** Longest name accepted before conversion: bounds the work on hostile input. */
const MAX_INPUT_LENGTH = 1024;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export type DomainNameResult = { ok: true; name: string } | { ok: false; problem: string };

/**
 * A domain name as the organization types it → its one stored form: IDNA to punycode
 * (node:url's domainToASCII, which also lowercases), no trailing dot, at least two labels of
 * letters, digits and inner hyphens, at most 253 characters, not an IP address, not `reserved`
 * (the server's DEFAULT_EMAIL_DOMAIN). Pure: the routes, the services and the tests share it.
 */
export function normalizeDomainName(input: string, reserved: string | null = null): DomainNameResult {
  const raw = input.trim();
  if (raw === '') return problem('must not be empty');
  if (raw.length > MAX_INPUT_LENGTH) return problem('must be at most 253 characters');
  if (/\s/.test(raw)) return problem('must not contain spaces');
  // Only letters, digits, hyphens and dots of ASCII (any other script goes through IDNA): the URL
  // host parser behind domainToASCII would read `example.com/path` as example.com.
  if (/[\x00-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/.test(raw)) return problem('may hold only letters, digits, hyphens and dots');
  if (raw.endsWith('.')) return problem('must not end with a dot');
  if (raw.includes('..') || raw.startsWith('.')) return problem('must not contain empty labels');
  // Checked before conversion too: the URL host parser turns 0x7f.1 into 127.0.0.1.
  if (isIP(raw) !== 0 || raw.startsWith('[')) return problem('must be a domain name, not an IP address');
  const ascii = domainToASCII(raw);
  if (ascii === '') return problem('is not a valid domain name');
  if (isIP(ascii) !== 0) return problem('must be a domain name, not an IP address');
  if (ascii.length > 253) return problem('must be at most 253 characters');
  const labels = ascii.split('.');
  if (labels.length < 2) return problem('must have at least two labels, such as example.com');
  if (!labels.every((label) => LABEL.test(label))) return problem('each label must be 1-63 letters, digits or inner hyphens');
  if (!labels.every(punycodeIsValid)) return problem('has an xn-- label that is not valid punycode');
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return problem('must not end in a numeric label');
  if (reserved !== null && ascii === reserved.toLowerCase()) return problem("is this server's default email domain, which every organization already uses");
  return { ok: true, name: ascii };
}

/** The domain part of an address, lowercased: `Ann@Example.COM` → `example.com`. */
export function domainOfAddress(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * An `xn--` label must decode to Unicode and encode back to itself. Checked here because Node's
 * URL parser changed: Node 20 refuses an undecodable label such as `xn--a`, Node 24 passes it through.
 */
function punycodeIsValid(label: string): boolean {
  if (!label.startsWith('xn--')) return true;
  const unicode = domainToUnicode(label);
  return unicode !== label && unicode !== '' && domainToASCII(unicode) === label;
}

function problem(text: string): DomainNameResult {
  return { ok: false, problem: text };
}
