import { promises as dns } from 'node:dns';

/** How mailauth looks names up (the shape of dns.promises.resolve). */
export type DnsResolver = (name: string, rrtype: string) => Promise<string[] | string[][]>;

/**
 * The resolver SPF, DKIM and DMARC checks use: the system's, or INBOUND_DNS_SERVERS (tests point
 * it at a DNS server of their own, so no check ever leaves the machine), each query bounded.
 */
export function createDnsResolver(servers: string[] | null, timeoutMs: number): DnsResolver {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers) resolver.setServers(servers);
  return (name, rrtype) => resolver.resolve(name, rrtype) as Promise<string[] | string[][]>;
}
