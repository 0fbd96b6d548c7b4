import { BlockList, isIP } from 'node:net';

// Where a webhook must not point unless WEBHOOK_ALLOW_PRIVATE is set: loopback, private,
// link-local (cloud metadata lives at 169.254.169.254), carrier-grade NAT, multicast and reserved
// ranges. BlockList also matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against the v4 rules.
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address we cannot vouch for
  ['64:ff9b:1::', 48], // NAT64 local-use prefix (RFC 8215), same reason
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** True for an IP address in a loopback, private or otherwise non-public range. */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 0) return false;
  if (version === 6 && embedsIpv4(address)) return true;
  return blocked.check(address, version === 4 ? 'ipv4' : 'ipv6');
}

/**
 * IPv4-compatible (`::a.b.c.d`, `::7f00:1`, deprecated) and IPv4-translated (`::ffff:0:a.b.c.d`,
 * RFC 2765) addresses: an IPv4 address in disguise that a dual-stack host or a translator may
 * connect to. No legitimate target is written this way, so all of them are refused. (BlockList
 * cannot express these: it treats `::/96` as the IPv4 space itself.)
 */
function embedsIpv4(address: string): boolean {
  const hextets = expandIpv6(address);
  if (hextets.slice(0, 4).some((h) => h !== 0)) return false;
  const [fifth, sixth] = [hextets[4], hextets[5]];
  return (fifth === 0 && sixth === 0) || (fifth === 0xffff && sixth === 0);
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted quad becomes two groups). */
function expandIpv6(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** `localhost` and its subdomains always mean this machine (RFC 6761). */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** A URL's hostname as an IP address when it is one (IPv6 without its brackets), else null. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}
