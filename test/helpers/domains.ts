import type { DnsServer } from './dnsServer';
import { randomSuffix } from './services';

/** The mail host name the test instances tell domains to publish as their MX. */
export const TEST_MAIL_HOSTNAME = 'mx.sendook.test';

/** A fresh, valid domain name no other test uses. */
export function freshDomainName(label = 'd'): string {
  return `${label}-${randomSuffix()}.example.test`;
}

export interface RecordJson {
  type: 'TXT' | 'MX';
  name: string;
  value: string;
  status: string;
  required: boolean;
}

/**
 * Publishes a domain's records (as GET /domains/:domain/dns lists them) on the test DNS server;
 * `skip` leaves out the records for which it holds.
 */
export function publishRecords(dns: DnsServer, records: readonly RecordJson[], skip: (record: RecordJson) => boolean = () => false): void {
  for (const record of records) {
    if (skip(record)) continue;
    if (record.type === 'MX') dns.mx(record.name, record.value);
    else dns.txt(record.name, record.value);
  }
}

/** Which record a JSON record is, by its owner name and value. */
export function recordKind(record: RecordJson): 'ownership' | 'mx' | 'spf' | 'dkim' | 'dmarc' {
  if (record.type === 'MX') return 'mx';
  if (record.name.startsWith('_sendook.')) return 'ownership';
  if (record.name.startsWith('_dmarc.')) return 'dmarc';
  if (record.name.includes('._domainkey.')) return 'dkim';
  return 'spf';
}

export function statusesOf(records: readonly RecordJson[]): Record<string, string> {
  return Object.fromEntries(records.map((r) => [recordKind(r), r.status]));
}
