import { pageQuery } from '../../http/schemas';
import { createDomainBody, deleteDomainQuery } from '../../routes/domains/schemas';
import { domainObject, domainRecordObject } from '../domainObjects';
import type { ResourceRouteDoc } from '../routes';

const tag = 'Domains';
// The route refuses the server's DEFAULT_EMAIL_DOMAIN in a refinement, which JSON Schema cannot carry.
const createBody = createDomainBody(null);
const ref = '`:domain` is the name (e.g. `example.com`, any case, Unicode or punycode) or the id.';

/** routes/domains/router.ts, mounted at /v1/domains and /organizations/:orgId/domains. */
export const domainRoutes: ResourceRouteDoc[] = [
  {
    method: 'get',
    path: '/domains',
    operationId: 'listDomains',
    summary: "The organization's domains, newest first",
    tag,
    query: pageQuery,
    response: { status: 200, description: 'A page of domains.', schema: domainObject, list: true },
  },
  {
    method: 'post',
    path: '/domains',
    operationId: 'createDomain',
    summary: 'Add a domain: answers the DNS records to publish',
    description:
      'The name is converted to punycode and lowercased; it needs two labels and may not be an IP address or DEFAULT_EMAIL_DOMAIN. ' +
      'A DKIM key pair (RSA 2048) is made for it; the private key is stored encrypted with SECRETS_KEY, and without that setting ' +
      'the answer is 503 `not_configured`. 409 `conflict` when the organization already has the name (or has 50 domains).',
    tag,
    body: createBody,
    response: { status: 201, description: 'The domain, unverified, with its records.', schema: domainObject },
    errors: ['conflict', 'not_configured'],
  },
  {
    method: 'get',
    path: '/domains/:domain',
    operationId: 'getDomain',
    summary: 'One domain',
    description: ref,
    tag,
    response: { status: 200, description: 'The domain.', schema: domainObject },
  },
  {
    method: 'get',
    path: '/domains/:domain/dns',
    operationId: 'getDomainDns',
    summary: 'The records to publish, with their statuses from the last check',
    description: ref,
    tag,
    response: { status: 200, description: 'The records.', schema: domainRecordObject, list: true },
  },
  {
    method: 'post',
    path: '/domains/:domain/verify',
    operationId: 'verifyDomain',
    summary: 'Look the records up in DNS now',
    description:
      `${ref} Sets each record's status and \`verified\` (ownership, MX, SPF and DKIM found; DMARC is recommended). ` +
      'A record whose lookup got no answer keeps its status. 409 `domain_taken` when another organization verified the name first.',
    tag,
    response: { status: 200, description: 'The domain after the check.', schema: domainObject },
    errors: ['domain_taken'],
  },
  {
    method: 'delete',
    path: '/domains/:domain',
    operationId: 'deleteDomain',
    summary: 'Delete a domain',
    description: `${ref} 409 \`domain_in_use\` while inboxes of the organization have addresses at it, unless \`?force=true\` (the inboxes stay).`,
    tag,
    query: deleteDomainQuery,
    response: { status: 200, description: 'The deleted domain.', schema: domainObject },
    errors: ['domain_in_use'],
  },
];
