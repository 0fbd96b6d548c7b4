import { promises as dns } from 'node:dns';

/** An answer, an answer that the name has no such records, or no answer (timeout, SERVFAIL, ...). */
export type LookupResult = { values: string[] } | 'missing' | 'unknown';

/** DNS as domain verification needs it: TXT strings (chunks joined) and MX exchanges. */
export interface DnsLookup {
  txt(name: string): Promise<LookupResult>;
  mx(name: string): Promise<LookupResult>;
}

// Answers are hostile input: only this many records of at most this many characters are looked
// at, whatever a server sends. A real TXT set is a handful of records under a few kilobytes.
const MAX_RECORDS = 32;
const MAX_RECORD_CHARS = 4096;
/** Errors that say the name or its records do not exist, rather than that nobody answered. */
const ABSENT: ReadonlySet<string> = new Set([dns.NODATA, dns.NOTFOUND]);

/**
 * node:dns's Resolver: the system's servers, or DNS_SERVERS (tests point it at a server of their
 * own on loopback); each query within `timeoutMs` per try, two tries.
 */
export class ResolverLookup implements DnsLookup {
  private readonly resolver: dns.Resolver;

  constructor(servers: string[] | null, timeoutMs: number) {
    this.resolver = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
    if (servers) this.resolver.setServers(servers);
  }

  txt(name: string): Promise<LookupResult> {
    return settle(this.resolver.resolveTxt(name).then((records) => records.slice(0, MAX_RECORDS).map((chunks) => chunks.join(''))));
  }

  mx(name: string): Promise<LookupResult> {
    return settle(this.resolver.resolveMx(name).then((records) => records.slice(0, MAX_RECORDS).map((r) => r.exchange)));
  }
}

async function settle(answer: Promise<string[]>): Promise<LookupResult> {
  try {
    return { values: (await answer).filter((value) => value.length <= MAX_RECORD_CHARS) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && ABSENT.has(code) ? 'missing' : 'unknown';
  }
}
