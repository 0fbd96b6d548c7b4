import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { isLocalhostName, isPrivateAddress, literalAddress } from '../lib/privateAddress';

export const TARGET_REFUSED = 'ERR_WEBHOOK_TARGET_REFUSED';

const PRIVATE_HINT = 'must not point to a loopback or private address (the server allows it only with WEBHOOK_ALLOW_PRIVATE=true)';

/**
 * Keeps webhook deliveries away from this server's own network unless configuration allows it.
 * Checked twice: at creation, what the URL shows (literal addresses, localhost), and at every
 * delivery, the addresses the name resolves to, through the `lookup` the connection itself uses,
 * so a name cannot resolve to a public address when checked and a private one when connected.
 */
export class WebhookTargetGuard {
  constructor(
    private readonly allowPrivate: boolean,
    private readonly resolve: typeof dnsLookup = dnsLookup,
  ) {}

  /** What is wrong with a target URL at creation time, or null. No DNS: creation stays fast. */
  problemWith(url: URL): string | null {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
    if (this.allowPrivate) return null;
    const literal = literalAddress(url.hostname);
    if ((literal && isPrivateAddress(literal)) || isLocalhostName(url.hostname)) return PRIVATE_HINT;
    return null;
  }

  /** Just before connecting to a literal address (no lookup happens for those). */
  refusalFor(url: URL): Error | null {
    const problem = this.problemWith(url);
    return problem ? refused(`${url.hostname} ${problem}`) : null;
  }

  /** A `lookup` for http.request that refuses names resolving to a private address. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = this.allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      // The attempt log is shown to the client: say that the name is private, not what it
      // resolves to, or webhooks become a way to map this network's DNS.
      if (bad) return callback(refused(`${hostname} resolves to a loopback or private address; a webhook ${PRIVATE_HINT}`), '', 0);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

function refused(message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code: TARGET_REFUSED });
}
