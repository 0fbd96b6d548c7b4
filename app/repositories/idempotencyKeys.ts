import type { Knex } from 'knex';
import type { StoredAnswer } from '../domain/idempotency';
import { isUniqueViolation } from '../infra/dbErrors';

interface IdempotencyKeyRow {
  organization_id: string;
  key_hash: string;
  fingerprint: string;
  owner: string | null;
  locked_until: number | null;
  status: number | null;
  body: string | null;
  created_at: number;
  expires_at: number;
}

/** One key of one organization: an answer kept, or a request still running. */
export interface IdempotencyRecord {
  fingerprint: string;
  /** The reservation's token while the request runs; null once answered. */
  owner: string | null;
  lockedUntil: number | null;
  answer: StoredAnswer | null;
  expiresAt: number;
}

export interface KeyRef {
  organizationId: string;
  keyHash: string;
}

/**
 * idempotency_keys (migration 008). Every change to a reservation is conditional on its owner
 * token, so an instance whose reservation was taken over can no longer write the answer.
 */
export class IdempotencyKeyRepository {
  constructor(private readonly knex: Knex) {}

  /** Inserts a running reservation; false when the organization already has a row for this key. */
  async reserve(ref: KeyRef, r: { fingerprint: string; owner: string; lockedUntil: number; now: number; expiresAt: number }): Promise<boolean> {
    try {
      await this.knex<IdempotencyKeyRow>('idempotency_keys').insert({
        organization_id: ref.organizationId,
        key_hash: ref.keyHash,
        fingerprint: r.fingerprint,
        owner: r.owner,
        locked_until: r.lockedUntil,
        status: null,
        body: null,
        created_at: r.now,
        expires_at: r.expiresAt,
      });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async find(ref: KeyRef): Promise<IdempotencyRecord | null> {
    const row = (await this.knex<IdempotencyKeyRow>('idempotency_keys').where(this.at(ref)).first()) as IdempotencyKeyRow | undefined;
    if (!row) return null;
    return {
      fingerprint: row.fingerprint,
      owner: row.owner,
      lockedUntil: row.locked_until === null ? null : Number(row.locked_until),
      answer: row.status === null ? null : { status: Number(row.status), body: row.body ?? '' },
      expiresAt: Number(row.expires_at),
    };
  }

  /** Deletes the row if it is dead at `now` (see `dead`); true when it did. */
  async deleteIfDead(ref: KeyRef, now: number): Promise<boolean> {
    return (await this.dead(this.knex('idempotency_keys').where(this.at(ref)), now).delete()) > 0;
  }

  /** Takes over a reservation whose instance stopped renewing it (crashed); true when this call won it. */
  async takeOver(ref: KeyRef, previousOwner: string, owner: string, lockedUntil: number, now: number): Promise<boolean> {
    const changed = await this.knex<IdempotencyKeyRow>('idempotency_keys')
      .where({ ...this.at(ref), owner: previousOwner })
      .whereNull('status')
      .andWhere('locked_until', '<=', now)
      .update({ owner, locked_until: lockedUntil });
    return changed > 0;
  }

  /** Moves a running reservation's lock forward; false when it is no longer this owner's. */
  async renew(ref: KeyRef, owner: string, lockedUntil: number): Promise<boolean> {
    return (await this.knex<IdempotencyKeyRow>('idempotency_keys').where({ ...this.at(ref), owner }).update({ locked_until: lockedUntil })) > 0;
  }

  /** Keeps the answer until `expiresAt`; false when the reservation is no longer this owner's. */
  async complete(ref: KeyRef, owner: string, answer: StoredAnswer, expiresAt: number): Promise<boolean> {
    const changed = await this.knex<IdempotencyKeyRow>('idempotency_keys')
      .where({ ...this.at(ref), owner })
      .update({ owner: null, locked_until: null, status: answer.status, body: answer.body, expires_at: expiresAt });
    return changed > 0;
  }

  /** Gives the key back: the next request with it runs. */
  async release(ref: KeyRef, owner: string): Promise<void> {
    await this.knex('idempotency_keys').where({ ...this.at(ref), owner }).delete();
  }

  /** Deletes every dead row; returns how many. */
  pruneDead(now: number): Promise<number> {
    return this.dead(this.knex('idempotency_keys'), now).delete();
  }

  /** Dead: past its expiry, and answered or no longer renewed by a running request. */
  private dead(query: Knex.QueryBuilder, now: number): Knex.QueryBuilder {
    return query.where('expires_at', '<=', now).andWhere((q) => q.whereNotNull('status').orWhere('locked_until', '<=', now));
  }

  private at(ref: KeyRef) {
    return { organization_id: ref.organizationId, key_hash: ref.keyHash };
  }
}
