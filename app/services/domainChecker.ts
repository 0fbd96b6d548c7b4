import { hasDkimKey, hasDmarcPolicy, hasMx, hasOwnershipToken, hasSpfMechanism } from '../domain/domainChecks';
import { recordNames, type RecordPolicy } from '../domain/domainRecords';
import type { Domain, RecordStatus, RecordStatuses } from '../domain/domains';
import type { DnsLookup, LookupResult } from '../infra/dnsLookup';

/**
 * Looks a domain's records up and says, per record, whether it is published as asked. A record
 * whose lookup got no answer (timeout, SERVFAIL) keeps its previous status: a resolver outage
 * neither verifies a domain nor takes its verification away.
 */
export class DomainChecker {
  constructor(
    private readonly dns: DnsLookup,
    private readonly policy: RecordPolicy,
  ) {}

  async check(domain: Domain): Promise<RecordStatuses> {
    const names = recordNames(domain);
    // The SPF record and the MX share the apex name; every lookup runs at once.
    const [ownership, mx, apexTxt, dkim, dmarc] = await Promise.all([
      this.dns.txt(names.ownership),
      this.dns.mx(names.mx),
      this.dns.txt(names.spf),
      this.dns.txt(names.dkim),
      this.dns.txt(names.dmarc),
    ]);
    const previous = domain.statuses;
    return {
      ownership: status(ownership, previous.ownership, (v) => hasOwnershipToken(v, domain.verificationToken)),
      mx: status(mx, previous.mx, (v) => hasMx(v, this.policy.mailHostname)),
      spf: status(apexTxt, previous.spf, (v) => hasSpfMechanism(v, this.policy.spfMechanism)),
      dkim: status(dkim, previous.dkim, (v) => hasDkimKey(v, domain.dkimPublicKey)),
      dmarc: status(dmarc, previous.dmarc, hasDmarcPolicy),
    };
  }
}

function status(result: LookupResult, previous: RecordStatus, holds: (values: string[]) => boolean): RecordStatus {
  if (result === 'unknown') return previous;
  if (result === 'missing') return 'failed';
  return holds(result.values) ? 'verified' : 'failed';
}
