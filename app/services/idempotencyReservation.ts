import type { Logger } from 'pino';
import type { StoredAnswer } from '../domain/idempotency';
import type { IdempotencyKeyRepository, KeyRef } from '../repositories/idempotencyKeys';
import type { InProgressMarkers } from './inProgressMarkers';

/** What a reservation needs from the service that made it. */
export interface ReservationParts {
  repo: IdempotencyKeyRepository;
  markers: InProgressMarkers | null;
  ttlMs: number;
  inProgressMs: number;
  logger: Logger;
}

/**
 * A running request's hold on its key, renewed while it runs. `complete` keeps the answer,
 * `release` gives the key back (5xx, or an answer that cannot be kept). Neither throws: the
 * client's answer never depends on them, and a reservation they could not settle expires.
 */
export class IdempotencyReservation {
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly parts: ReservationParts,
    readonly ref: KeyRef,
    readonly owner: string,
  ) {
    this.heartbeat = setInterval(() => void this.renew(), Math.max(1, Math.floor(parts.inProgressMs / 3)));
    this.heartbeat.unref();
  }

  async complete(answer: StoredAnswer): Promise<void> {
    clearInterval(this.heartbeat);
    const { repo, markers, ttlMs, logger } = this.parts;
    try {
      const kept = await repo.complete(this.ref, this.owner, answer, Date.now() + ttlMs);
      if (!kept) logger.warn({ organizationId: this.ref.organizationId }, 'an idempotent request outlived its reservation; its answer is not kept');
    } catch (err) {
      logger.warn({ err, organizationId: this.ref.organizationId }, 'could not keep the answer of an idempotent request; its key is free again once the reservation expires');
      return;
    }
    await markers?.drop(this.ref);
  }

  async release(): Promise<void> {
    clearInterval(this.heartbeat);
    const { repo, markers, logger } = this.parts;
    try {
      await repo.release(this.ref, this.owner);
    } catch (err) {
      logger.warn({ err, organizationId: this.ref.organizationId }, 'could not release an idempotency key; it is free again once the reservation expires');
      return;
    }
    await markers?.drop(this.ref);
  }

  private async renew(): Promise<void> {
    const { repo, inProgressMs, logger } = this.parts;
    try {
      await repo.renew(this.ref, this.owner, Date.now() + inProgressMs);
    } catch (err) {
      logger.warn({ err }, 'could not renew an idempotency reservation');
    }
  }
}
