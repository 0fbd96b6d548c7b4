import { recordsOf, type RecordPolicy } from './domainRecords';
import type { Domain } from './domains';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The public shape of a domain (docs/email.md#your-own-domain), as responses and `domain.*`
 * webhook payloads carry it. Never the private key; the public key is in the DKIM record's value.
 */
export function domainView(domain: Domain, policy: RecordPolicy) {
  return {
    _id: domain.id,
    id: domain.id,
    organizationId: domain.organizationId,
    name: domain.name,
    verified: domain.verified,
    verifiedAt: domain.verifiedAt === null ? null : iso(domain.verifiedAt),
    lastCheckedAt: domain.checkedAt === null ? null : iso(domain.checkedAt),
    records: recordsView(domain, policy),
    createdAt: iso(domain.createdAt),
    updatedAt: iso(domain.updatedAt),
  };
}

/** GET /domains/:domain/dns: `{ type, name, value, status, required }` per record. */
export function recordsView(domain: Domain, policy: RecordPolicy) {
  return recordsOf(domain, policy).map(({ type, name, value, status, required }) => ({ type, name, value, status, required }));
}

export type DomainView = ReturnType<typeof domainView>;
