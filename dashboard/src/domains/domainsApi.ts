// The organization's sending and receiving domains through /organizations/:orgId/domains
// (docs/email.md#your-own-domain). `:domain` in a path is the domain's name or its id.
import { call, orgPath } from '../api';

export interface DnsRecord {
  type: string;
  name: string;
  value: string;
  status: 'pending' | 'verified' | 'failed';
  /** DMARC is recommended, not required, for `verified`. */
  required: boolean;
}

export interface Domain {
  id: string;
  name: string;
  verified: boolean;
  verifiedAt: string | null;
  lastCheckedAt: string | null;
  records: DnsRecord[];
  createdAt: string;
  updatedAt: string;
}

const domainPath = (orgId: string, domain: string) => `${orgPath(orgId)}/domains/${encodeURIComponent(domain)}`;

export const domainsApi = {
  list: (token: string, orgId: string) => call<Domain[]>('GET', `${orgPath(orgId)}/domains?limit=100`, token),
  get: (token: string, orgId: string, domain: string) => call<Domain>('GET', domainPath(orgId, domain), token),
  create: (token: string, orgId: string, name: string) => call<Domain>('POST', `${orgPath(orgId)}/domains`, token, { name }),
  verify: (token: string, orgId: string, domain: string) => call<Domain>('POST', `${domainPath(orgId, domain)}/verify`, token),
  remove: (token: string, orgId: string, domain: string, force = false) =>
    call<Domain>('DELETE', `${domainPath(orgId, domain)}${force ? '?force=true' : ''}`, token),
};
