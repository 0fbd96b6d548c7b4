import { createPrivateKey } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { DkimSettings } from '../../config';
import type { Inbox } from '../domain/email';
import { ApiError, DomainKeyUnreadableError } from '../errors';
import { domainOf } from '../lib/addresses';
import type { DkimKey } from './mailTransport';

/** What address ownership asks of the domains (app/services/domains.ts). */
export interface VerifiedDomains {
  /** `domainName` lowercased ASCII; true when this organization owns it and it is verified now. */
  isVerifiedFor(organizationId: string, domainName: string): Promise<boolean>;
  /** Null when it is not a verified domain of this organization; throws DomainKeyUnreadableError when its key cannot be decrypted. */
  signingKeyFor(organizationId: string, domainName: string): Promise<DkimKey | null>;
}

/**
 * Which addresses an organization may hold, send from and receive at: those on
 * DEFAULT_EMAIL_DOMAIN, and those on one of its own verified domains, the name matched exactly
 * (`example.com` does not cover `mail.example.com`). Decided live on every check, one indexed
 * query each, so an inbox made before a domain was verified, or whose domain stopped verifying,
 * keeps its data and works again as soon as its organization verifies that domain.
 */
export class AddressOwnership {
  private readonly defaultDomain: string;
  private readonly defaultKey: DkimKey | null;

  constructor(
    private readonly domains: VerifiedDomains,
    defaultDomain: string,
    defaultDkim: DkimSettings | null,
  ) {
    this.defaultDomain = defaultDomain.toLowerCase();
    this.defaultKey = defaultDkim && { domainName: this.defaultDomain, ...defaultDkim };
  }

  /** Before an inbox is created at `address`: 403 `domain_not_verified` unless the organization may hold it. */
  async requireOwned(organizationId: string, address: string): Promise<void> {
    const domain = asciiDomainOf(address);
    if (domain === this.defaultDomain) return;
    if (!domain || !(await this.domains.isVerifiedFor(organizationId, domain))) throw notVerified(domain || domainOf(address));
  }

  /** Whether mail to this inbox is accepted (SMTP RCPT TO). */
  async receives(inbox: Inbox): Promise<boolean> {
    const domain = asciiDomainOf(inbox.email);
    if (domain === this.defaultDomain) return true;
    return domain !== '' && this.domains.isVerifiedFor(inbox.organizationId, domain);
  }

  /**
   * The key that signs mail from this inbox, checked before anything is stored or charged: 403
   * `domain_not_verified` when the inbox may not send, 500 `domain_key_unreadable` when its
   * domain's key cannot be used. Null only for the default domain without DEFAULT_DKIM_*.
   */
  async signingKey(inbox: Inbox): Promise<DkimKey | null> {
    const domain = asciiDomainOf(inbox.email);
    if (domain === this.defaultDomain) return this.defaultKey;
    const key = domain ? await this.domains.signingKeyFor(inbox.organizationId, domain) : null;
    if (!key) throw notVerified(domain || domainOf(inbox.email));
    // nodemailer sends a message unsigned when signing fails, so the key is proven usable here.
    if (!usableRsaKey(key.privateKey)) throw new DomainKeyUnreadableError(domain);
    return key;
  }
}

/** The domain of an address as domains are named: lowercased ASCII (IDNA), or '' when it is none. */
export function asciiDomainOf(address: string): string {
  return domainToASCII(domainOf(address));
}

function notVerified(domain: string): ApiError {
  return new ApiError(
    'domain_not_verified',
    `The domain ${domain} is not a verified domain of this organization: use an address on the default domain, or add and verify ${domain} under /v1/domains.`,
  );
}

function usableRsaKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}
