import type { Knex } from 'knex';
import { pendingStatuses, RECORD_KINDS, type Domain, type RecordStatus, type RecordStatuses, type StoredPrivateKey } from '../domain/domains';
import type { Page } from '../domain/types';
import { LIKE_ESCAPE } from '../lib/like';
import { nextVersion, paginate, type Db } from './db';

export interface DomainRow {
  id: string;
  organization_id: string;
  name: string;
  verification_token: string;
  dkim_selector: string;
  dkim_public_key: string;
  dkim_private_key_encrypted: string;
  secrets_key_id: string;
  verified: number | boolean;
  verified_name: string | null;
  verified_at: number | null;
  checked_at: number | null;
  record_statuses: string;
  created_at: number;
  updated_at: number;
}

/** What a check changes on a domain. */
export interface DomainCheck {
  statuses: RecordStatuses;
  checkedAt: number;
}

export class DomainRepository {
  constructor(private readonly knex: Knex) {}

  /** Throws a unique violation when the organization already has the name. */
  async insert(domain: Domain, key: StoredPrivateKey): Promise<void> {
    await this.knex<DomainRow>('domains').insert({
      id: domain.id,
      organization_id: domain.organizationId,
      name: domain.name,
      verification_token: domain.verificationToken,
      dkim_selector: domain.dkimSelector,
      dkim_public_key: domain.dkimPublicKey,
      dkim_private_key_encrypted: key.encrypted,
      secrets_key_id: key.secretsKeyId,
      verified: false,
      verified_name: null,
      verified_at: null,
      checked_at: null,
      record_statuses: JSON.stringify(domain.statuses),
      created_at: domain.createdAt,
      updated_at: domain.updatedAt,
    });
  }

  /** Another organization's domain reads as absent. */
  async findForOrg(orgId: string, ref: { id: string } | { name: string }): Promise<Domain | null> {
    const row = await this.knex<DomainRow>('domains').where({ organization_id: orgId, ...ref }).first();
    return row ? toDomain(row) : null;
  }

  async listForOrg(orgId: string, page: Page): Promise<Domain[]> {
    const rows = (await paginate(this.knex<DomainRow>('domains').where({ organization_id: orgId }), page)) as DomainRow[];
    return rows.map(toDomain);
  }

  /** Every organization's domain of this name (operators' inspection), oldest first. */
  async findByName(name: string): Promise<Domain[]> {
    const rows = await this.knex<DomainRow>('domains').where({ name }).orderBy('id');
    return rows.map(toDomain);
  }

  /** The organization that has verified the name, if one has. */
  async verifiedOwner(name: string): Promise<string | null> {
    const row = await this.knex<DomainRow>('domains').where({ verified_name: name }).first('organization_id');
    return row?.organization_id ?? null;
  }

  async isVerified(orgId: string, name: string): Promise<boolean> {
    const row = await this.knex<DomainRow>('domains').where({ organization_id: orgId, verified_name: name }).first('id');
    return row !== undefined;
  }

  /** The sealed private key of the organization's verified domain of this name. */
  async verifiedPrivateKey(orgId: string, name: string): Promise<(StoredPrivateKey & { id: string; selector: string }) | null> {
    const row = await this.knex<DomainRow>('domains')
      .where({ organization_id: orgId, verified_name: name })
      .first('id', 'dkim_selector', 'dkim_private_key_encrypted', 'secrets_key_id');
    return row ? { id: row.id, selector: row.dkim_selector, encrypted: row.dkim_private_key_encrypted, secretsKeyId: row.secrets_key_id } : null;
  }

  /** The sealed private key of one domain, whatever its state (inspection). */
  async privateKey(id: string): Promise<StoredPrivateKey | null> {
    const row = await this.knex<DomainRow>('domains').where({ id }).first('dkim_private_key_encrypted', 'secrets_key_id');
    return row ? { encrypted: row.dkim_private_key_encrypted, secretsKeyId: row.secrets_key_id } : null;
  }

  /** Domains whose key was sealed with another SECRETS_KEY than `keyId` (all of them for null). */
  async countSealedWithOtherKey(keyId: string | null): Promise<number> {
    const query = this.knex<DomainRow>('domains');
    if (keyId !== null) query.whereNot({ secrets_key_id: keyId });
    const row = await query.count<{ n: number | string }[]>({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  /** Verified domains after `afterId`, by id: the background re-check walks them in pages. */
  async verifiedAfter(afterId: string, limit: number): Promise<Domain[]> {
    const rows = await this.knex<DomainRow>('domains').where('verified', true).andWhere('id', '>', afterId).orderBy('id').limit(limit);
    return rows.map(toDomain);
  }

  /**
   * Stores a check's outcome, only if the domain is still as `seen` (its updated_at then): a
   * check that took a while must not overwrite one that finished after it started (the
   * background re-check and a verify request, or two instances). False when it was stale.
   * `change` verified: throws a unique violation when another organization holds the name
   * verified; the unique index on verified_name decides between two verifying at once.
   */
  async saveCheck(seen: Pick<Domain, 'id' | 'name' | 'updatedAt'>, check: DomainCheck, change: 'keep' | 'verified' | 'unverified'): Promise<boolean> {
    const verification =
      change === 'verified'
        ? { verified: true, verified_name: seen.name, verified_at: check.checkedAt }
        : change === 'unverified'
          ? { verified: false, verified_name: null, verified_at: null }
          : {};
    const changed = await this.knex<DomainRow>('domains')
      .where({ id: seen.id, updated_at: seen.updatedAt })
      .update({
        ...verification,
        record_statuses: JSON.stringify(check.statuses),
        checked_at: check.checkedAt,
        updated_at: nextVersion(this.knex, check.checkedAt),
      });
    return changed > 0;
  }

  async delete(id: string, db: Db = this.knex): Promise<void> {
    await db<DomainRow>('domains').where({ id }).delete();
  }

  /** The organization's inboxes with an address at this name (any case). */
  async countInboxesAt(orgId: string, name: string): Promise<number> {
    const pattern = `%@${name.toLowerCase().replace(/[\\%_]/g, (c) => LIKE_ESCAPE + c)}`;
    const row = await this.knex('inboxes')
      .where({ organization_id: orgId })
      .andWhereRaw('email_lower like ? escape ?', [pattern, LIKE_ESCAPE])
      .count<{ n: number | string }[]>({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }
}

export function toDomain(r: DomainRow): Domain {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    verificationToken: r.verification_token,
    dkimSelector: r.dkim_selector,
    dkimPublicKey: r.dkim_public_key,
    verified: Boolean(r.verified),
    verifiedAt: r.verified_at === null ? null : Number(r.verified_at),
    checkedAt: r.checked_at === null ? null : Number(r.checked_at),
    statuses: parseStatuses(r.record_statuses),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function parseStatuses(text: string): RecordStatuses {
  const stored = JSON.parse(text) as Partial<Record<string, RecordStatus>>;
  const statuses = pendingStatuses();
  for (const kind of RECORD_KINDS) if (stored[kind] !== undefined) statuses[kind] = stored[kind];
  return statuses;
}
