import { VERIFICATION_PREFIX } from './domainRecords';

// Whether a DNS answer holds a domain's record. Pure and exact: an answer is hostile input, so a
// record counts only when it says precisely what was asked for.

export function hasOwnershipToken(txts: readonly string[], token: string): boolean {
  return txts.some((txt) => txt === VERIFICATION_PREFIX + token);
}

/** Exchanges come back without the root dot; some servers keep it. */
export function hasMx(exchanges: readonly string[], mailHostname: string): boolean {
  const want = mailHostname.toLowerCase();
  return exchanges.some((exchange) => exchange.toLowerCase().replace(/\.$/, '') === want);
}

/**
 * The name's one SPF record (RFC 7208 §4.5: two are an error, so none of them counts) contains
 * the mechanism, with or without the `+` qualifier; other mechanisms beside it are the owner's.
 */
export function hasSpfMechanism(txts: readonly string[], mechanism: string): boolean {
  const spf = txts.filter((txt) => /^v=spf1( |$)/i.test(txt));
  if (spf.length !== 1) return false;
  const want = withoutPass(mechanism.toLowerCase());
  return spf[0]!
    .split(/\s+/)
    .slice(1)
    .some((term) => withoutPass(term.toLowerCase()) === want);
}

/**
 * The selector's one key record (RFC 6376 §3.6.2.2: several are ambiguous) publishes exactly this
 * RSA public key. Tag names are case-sensitive; whitespace inside p= is folding and ignored.
 */
export function hasDkimKey(txts: readonly string[], publicKey: string): boolean {
  if (txts.length !== 1) return false;
  const tags = parseTags(txts[0]!);
  if (!tags) return false;
  if (tags.has('v') && tags.get('v') !== 'DKIM1') return false;
  if (tags.has('k') && tags.get('k') !== 'rsa') return false;
  return tags.get('p')?.replace(/\s+/g, '') === publicKey;
}

/** One record starting `v=DMARC1` (RFC 7489 §6.6.3: otherwise there is no policy). */
export function hasDmarcPolicy(txts: readonly string[]): boolean {
  return txts.filter((txt) => /^v=DMARC1\s*(;|$)/.test(txt)).length === 1;
}

function withoutPass(term: string): string {
  return term.startsWith('+') ? term.slice(1) : term;
}

/** `v=DKIM1; k=rsa; p=...` → tags; null when a tag repeats (RFC 6376 §3.2 makes that invalid). */
function parseTags(record: string): Map<string, string> | null {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part.trim() !== '') return null;
      continue;
    }
    const name = part.slice(0, eq).trim();
    if (tags.has(name)) return null;
    tags.set(name, part.slice(eq + 1).trim());
  }
  return tags;
}
