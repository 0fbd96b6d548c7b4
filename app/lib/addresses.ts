import { randomBytes } from 'node:crypto';

// Generated inbox addresses: a readable local part from the inbox name, then a random suffix
// when that address is taken.

const MAX_LOCAL_PART = 40;

/** `"Sales Team (EU)"` → `sales-team-eu`; nothing usable left → `inbox`. */
export function localPartFrom(name: string | null | undefined): string {
  const slug = (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_LOCAL_PART)
    .replace(/-+$/, '');
  return slug || 'inbox';
}

/** Six characters of [a-z0-9]: about 2 billion values, so two tries practically never collide. */
export function randomSuffix(): string {
  let out = '';
  for (const byte of randomBytes(12)) {
    if (byte < 252 && out.length < 6) out += (byte % 36).toString(36);
  }
  return out.padEnd(6, '0');
}

/** The candidates tried in order: `base@domain`, then `base-<random>@domain`. */
export function addressCandidates(name: string | null | undefined, domain: string, tries = 5): string[] {
  const base = localPartFrom(name);
  return [`${base}@${domain}`, ...Array.from({ length: tries - 1 }, () => `${base}-${randomSuffix()}@${domain}`)];
}

/** The domain of an address (what a Message-ID is made on). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
