import { randomBytes } from 'node:crypto';
import { normalizeDomainName } from '../domain/domainNames';
import { allRequiredVerified, type RecordPolicy } from '../domain/domainRecords';
import { domainView } from '../domain/domainView';
import { pendingStatuses, REQUIRED_RECORDS, type Domain, type SigningKey } from '../domain/domains';
import type { Page } from '../domain/types';
import { ApiError, DomainKeyUnreadableError } from '../errors';
import { isUniqueViolation } from '../infra/dbErrors';
import { generateDkimKeyPair } from '../lib/dkimKeys';
import { isId, newId } from '../lib/ids';
import { SecretUnreadableError, type SecretBox } from '../lib/secretBox';
import type { DomainRepository } from '../repositories/domains';
import type { DomainChecker } from './domainChecker';
import type { EventPublisher } from './events';

/** Each domain costs a key generation and a DNS check per re-check round: their number is bounded. */
export const MAX_DOMAINS_PER_ORGANIZATION = 50;

export interface DomainServiceOptions {
  repo: DomainRepository;
  checker: DomainChecker;
  events: EventPublisher;
  /** null: no SECRETS_KEY (MySQL without one): domains cannot be added, keys cannot be read. */
  secrets: SecretBox | null;
  policy: RecordPolicy;
  /** DEFAULT_EMAIL_DOMAIN: every organization uses it already, so none may add it. */
  defaultDomain: string;
}

/**
 * An organization's own domains (docs/email.md#your-own-domain): adding one (with its DKIM key
 * pair, the private half sealed with SECRETS_KEY), checking its records in DNS, and answering
 * whether an organization may use a domain now and with which key it signs.
 */
export class DomainService {
  constructor(private readonly o: DomainServiceOptions) {}

  /** The records every domain publishes besides its own values. */
  get policy(): RecordPolicy {
    return this.o.policy;
  }

  /** The name no organization may add (DEFAULT_EMAIL_DOMAIN, lowercased). */
  get reservedName(): string {
    return this.o.defaultDomain;
  }

  /** `input` as typed; the route has normalised it already, and this does it again for other callers. */
  async create(organizationId: string, input: string): Promise<Domain> {
    const { repo, secrets } = this.o;
    const parsed = normalizeDomainName(input, this.o.defaultDomain);
    if (!parsed.ok) throw new ApiError('validation_failed', undefined, [{ path: 'name', message: parsed.problem }]);
    const name = parsed.name;
    if (!secrets) throw new ApiError('not_configured', 'Adding a domain needs SECRETS_KEY (32 bytes, e.g. from openssl rand -hex 32), which encrypts its DKIM key; the operator must set it.');
    if (await repo.findForOrg(organizationId, { name })) throw new ApiError('conflict', `The organization already has the domain ${name}.`);
    // Counted before the insert: concurrent creates may pass together, so the cap can be exceeded
    // by the number racing at that moment, never grow without bound.
    if ((await repo.listForOrg(organizationId, { limit: MAX_DOMAINS_PER_ORGANIZATION })).length >= MAX_DOMAINS_PER_ORGANIZATION) {
      throw new ApiError('conflict', `The organization has the most domains allowed (${MAX_DOMAINS_PER_ORGANIZATION}); delete one first.`);
    }
    const keys = await generateDkimKeyPair();
    const now = Date.now();
    const domain: Domain = {
      id: newId(now),
      organizationId,
      name,
      verificationToken: randomBytes(20).toString('hex'),
      dkimSelector: `sendook-${randomBytes(4).toString('hex')}`,
      dkimPublicKey: keys.publicKey,
      verified: false,
      verifiedAt: null,
      checkedAt: null,
      statuses: pendingStatuses(),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await repo.insert(domain, { encrypted: secrets.seal(keys.privateKey, domain.id), secretsKeyId: secrets.keyId });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ApiError('conflict', `The organization already has the domain ${name}.`);
      throw err;
    }
    return domain;
  }

  list(organizationId: string, page: Page): Promise<Domain[]> {
    return this.o.repo.listForOrg(organizationId, page);
  }

  /** `ref` is the domain's id or its name (as typed: normalised here). Another organization's: 404. */
  async get(organizationId: string, ref: string): Promise<Domain> {
    const found = await this.find(organizationId, ref);
    if (!found) throw new ApiError('not_found', 'No domain with this name or id.');
    return found;
  }

  /**
   * Looks the records up now and stores each one's status; `verified` when the required ones are
   * all there. 409 domain_taken when another organization has verified the name.
   */
  async verify(organizationId: string, ref: string): Promise<Domain> {
    const domain = await this.get(organizationId, ref);
    const owner = await this.o.repo.verifiedOwner(domain.name);
    if (owner !== null && owner !== organizationId) throw domainTaken(domain.name);
    await this.applyCheck(domain);
    return this.get(organizationId, domain.id);
  }

  /**
   * The background re-check of one verified domain: a domain whose required records are gone
   * becomes unverified (and `domain.unverified` goes out).
   */
  async recheck(domain: Domain): Promise<void> {
    await this.applyCheck(domain);
  }

  /** 409 domain_in_use while the organization has inboxes at the name, unless `force`. */
  async delete(organizationId: string, ref: string, force: boolean): Promise<Domain> {
    const domain = await this.get(organizationId, ref);
    if (!force) {
      const inboxes = await this.o.repo.countInboxesAt(organizationId, domain.name);
      if (inboxes > 0) {
        throw new ApiError('domain_in_use', `${inboxes} inbox${inboxes === 1 ? '' : 'es'} of the organization use ${domain.name}; delete them first, or pass ?force=true.`);
      }
    }
    await this.o.repo.delete(domain.id);
    return domain;
  }

  /**
   * Whether the organization owns this exact domain and it is verified now. `domainName` is the
   * ASCII (punycode) name; it is compared lowercased.
   */
  isVerifiedFor(organizationId: string, domainName: string): Promise<boolean> {
    return this.o.repo.isVerified(organizationId, domainName.toLowerCase());
  }

  /**
   * The DKIM key to sign the organization's mail from `domainName` with: null when that is not a
   * verified domain of the organization. Throws DomainKeyUnreadableError when the stored key does
   * not decrypt with this server's SECRETS_KEY, so such mail fails instead of going out unsigned.
   */
  async signingKeyFor(organizationId: string, domainName: string): Promise<SigningKey | null> {
    const name = domainName.toLowerCase();
    const stored = await this.o.repo.verifiedPrivateKey(organizationId, name);
    if (!stored) return null;
    const { secrets } = this.o;
    if (!secrets) throw new DomainKeyUnreadableError(name);
    try {
      return { domainName: name, keySelector: stored.selector, privateKey: secrets.open(stored.encrypted, stored.id) };
    } catch (err) {
      if (err instanceof SecretUnreadableError) throw new DomainKeyUnreadableError(name);
      throw err;
    }
  }

  /** How many domains have a key this server cannot decrypt: sealed under another SECRETS_KEY, or none is set. */
  unreadableKeyCount(): Promise<number> {
    return this.o.repo.countSealedWithOtherKey(this.o.secrets?.keyId ?? null);
  }

  /** Every organization's domain of this name (operators' inspection). */
  findAllByName(name: string): Promise<Domain[]> {
    return this.o.repo.findByName(name.toLowerCase());
  }

  private async find(organizationId: string, ref: string): Promise<Domain | null> {
    if (isId(ref)) return this.o.repo.findForOrg(organizationId, { id: ref });
    const parsed = normalizeDomainName(ref);
    return parsed.ok ? this.o.repo.findForOrg(organizationId, { name: parsed.name }) : null;
  }

  /**
   * Looks the records up and stores what changed. A check that another one overtook (the domain
   * changed meanwhile) is dropped: the newer state stands, and no event goes out twice.
   */
  private async applyCheck(domain: Domain): Promise<void> {
    const { repo } = this.o;
    const statuses = await this.o.checker.check(domain);
    const check = { statuses, checkedAt: Date.now() };
    if (allRequiredVerified(statuses) && !domain.verified) {
      let written: boolean;
      try {
        written = await repo.saveCheck(domain, check, 'verified');
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Another organization verified the name between our first look and now.
        await repo.saveCheck(domain, check, 'keep');
        throw domainTaken(domain.name);
      }
      if (written) this.emit(domain.id, domain.organizationId, 'domain.verified');
      return;
    }
    // Only a record found missing takes verification away; one nobody answered for kept its status.
    if (domain.verified && REQUIRED_RECORDS.some((kind) => statuses[kind] === 'failed')) {
      if (await repo.saveCheck(domain, check, 'unverified')) this.emit(domain.id, domain.organizationId, 'domain.unverified');
      return;
    }
    await repo.saveCheck(domain, check, 'keep');
  }

  private emit(id: string, organizationId: string, event: 'domain.verified' | 'domain.unverified'): void {
    this.o.events.emitDomain(organizationId, event, async () => {
      const domain = await this.o.repo.findForOrg(organizationId, { id });
      return domain && { domain: domainView(domain, this.o.policy) };
    });
  }
}

function domainTaken(name: string): ApiError {
  return new ApiError('domain_taken', `Another organization has already verified ${name}.`);
}
