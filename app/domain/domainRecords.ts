import { REQUIRED_RECORDS, type Domain, type DomainRecord, type RecordKind, type RecordStatuses } from './domains';

/** What every domain of this server publishes besides its own values (config.domains). */
export interface RecordPolicy {
  mailHostname: string;
  spfMechanism: string;
}

export const VERIFICATION_PREFIX = 'sendook-verification=';
export const DMARC_VALUE = 'v=DMARC1; p=quarantine';

/** Owner names of a domain's records. */
export function recordNames(domain: Pick<Domain, 'name' | 'dkimSelector'>): Record<RecordKind, string> {
  return {
    ownership: `_sendook.${domain.name}`,
    mx: domain.name,
    spf: domain.name,
    dkim: `${domain.dkimSelector}._domainkey.${domain.name}`,
    dmarc: `_dmarc.${domain.name}`,
  };
}

/** The records to publish, in the order a person adds them, with their statuses from the last check. */
export function recordsOf(domain: Domain, policy: RecordPolicy): DomainRecord[] {
  const names = recordNames(domain);
  const record = (kind: RecordKind, type: 'TXT' | 'MX', value: string): DomainRecord => ({
    kind,
    type,
    name: names[kind],
    value,
    status: domain.statuses[kind],
    required: REQUIRED_RECORDS.includes(kind),
  });
  return [
    record('ownership', 'TXT', VERIFICATION_PREFIX + domain.verificationToken),
    record('mx', 'MX', policy.mailHostname),
    record('spf', 'TXT', `v=spf1 ${policy.spfMechanism} ~all`),
    record('dkim', 'TXT', `v=DKIM1; k=rsa; p=${domain.dkimPublicKey}`),
    record('dmarc', 'TXT', DMARC_VALUE),
  ];
}

/** Whether every required record was found by the last check. */
export function allRequiredVerified(statuses: RecordStatuses): boolean {
  return REQUIRED_RECORDS.every((kind) => statuses[kind] === 'verified');
}
