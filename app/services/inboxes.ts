import type { Inbox } from '../domain/email';
import type { Page } from '../domain/types';
import { ApiError } from '../errors';
import { isUniqueViolation } from '../infra/dbErrors';
import { addressCandidates } from '../lib/addresses';
import { newId } from '../lib/ids';
import type { Db } from '../repositories/db';
import type { InboxRepository } from '../repositories/inboxes';
import type { AddressOwnership } from './addressOwnership';
import type { EventPublisher } from './events';

export interface NewInbox {
  name?: string | null;
  email?: string;
}

/**
 * Inboxes of an organization. Addresses are unique across all organizations, whatever their case;
 * a given address must be on the default domain or on one of the organization's verified domains.
 */
export class InboxService {
  constructor(
    private readonly repo: InboxRepository,
    private readonly events: EventPublisher,
    private readonly defaultDomain: string,
    private readonly ownership: AddressOwnership,
  ) {}

  async create(organizationId: string, input: NewInbox): Promise<Inbox> {
    if (input.email !== undefined) await this.ownership.requireOwned(organizationId, input.email);
    const inbox = await this.insert(organizationId, input.name ?? null, input.email);
    this.events.emit(organizationId, { event: 'inbox.created', inbox });
    return inbox;
  }

  /**
   * Registration's inbox, inside its transaction: named "Default Inbox", with an address made from
   * the user's own local part (`ada@<default domain>`, or `ada-x7k2q9@...` when taken).
   */
  createDefault(organizationId: string, userEmail: string, db: Db): Promise<Inbox> {
    const localPart = userEmail.slice(0, userEmail.lastIndexOf('@'));
    return this.insert(organizationId, 'Default Inbox', undefined, db, localPart);
  }

  /** `only`: the inboxes a restricted key may see (null: all), filtered in the query so pages stay full. */
  list(organizationId: string, page: Page, only: readonly string[] | null = null): Promise<Inbox[]> {
    return this.repo.listForOrg(organizationId, page, only);
  }

  /** Whether the organization has this inbox (a key's inbox restriction must name real ones). */
  async exists(organizationId: string, id: string): Promise<boolean> {
    return (await this.repo.findForOrg(organizationId, id)) !== null;
  }

  async get(organizationId: string, id: string): Promise<Inbox> {
    const inbox = await this.repo.findForOrg(organizationId, id);
    if (!inbox) throw new ApiError('not_found', 'No inbox with this id.');
    return inbox;
  }

  async rename(organizationId: string, id: string, name: string | null): Promise<Inbox> {
    const inbox = await this.get(organizationId, id);
    const now = Date.now();
    await this.repo.rename(id, name, now);
    const updated = { ...inbox, name, updatedAt: now };
    this.events.emit(organizationId, { event: 'inbox.updated', inbox: updated });
    return updated;
  }

  /** Deletes the inbox with its threads and messages; answers with what was deleted. */
  async delete(organizationId: string, id: string): Promise<Inbox> {
    const inbox = await this.get(organizationId, id);
    await this.repo.delete(id);
    this.events.emit(organizationId, { event: 'inbox.deleted', inbox });
    return inbox;
  }

  private async insert(organizationId: string, name: string | null, email: string | undefined, db?: Db, localPart?: string): Promise<Inbox> {
    const now = Date.now();
    const base = { id: newId(now), organizationId, name, createdAt: now, updatedAt: now };
    if (email !== undefined) {
      try {
        await this.repo.insert({ ...base, email }, db);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ApiError('address_taken');
        throw err;
      }
      return { ...base, email };
    }
    // Generated: the readable address first, then random suffixes. A candidate seen as free can
    // still be taken by a concurrent insert; the unique index decides and we try the next one.
    for (const candidate of addressCandidates(localPart ?? name, this.defaultDomain)) {
      if (await this.repo.emailTaken(candidate, db)) continue;
      try {
        await this.repo.insert({ ...base, email: candidate }, db);
        return { ...base, email: candidate };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    throw new ApiError('address_taken', 'Could not find a free address for this name; give an email.');
  }
}
