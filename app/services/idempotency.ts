import type { Logger } from 'pino';
import { idempotencyKeyHash, requestFingerprint, type StoredAnswer } from '../domain/idempotency';
import { newId } from '../lib/ids';
import type { IdempotencyKeyRepository, IdempotencyRecord, KeyRef } from '../repositories/idempotencyKeys';
import { IdempotencyReservation, type ReservationParts } from './idempotencyReservation';
import type { InProgressMarkers } from './inProgressMarkers';

/**
 * How long a reservation holds without being renewed. A running request renews it every third of
 * this, so a request may run as long as it needs; a reservation left by an instance that died is
 * taken over by the first retry after this long.
 */
export const IN_PROGRESS_MS = 60_000;
const PRUNE_INTERVAL_MS = 60_000;

export interface IdempotentRequest {
  organizationId: string;
  key: string;
  method: string;
  /** The path as sent, query string included. */
  url: string;
  body: unknown;
}

/** What to do with a request that carries an Idempotency-Key. */
export type IdempotencyClaim =
  | { kind: 'run'; reservation: IdempotencyReservation }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'reused' }
  | { kind: 'in_progress' };

/**
 * Idempotency-Key (docs/api.md, "Idempotent requests"): the first request with a key inserts its
 * organization's row for that key and runs; the database's primary key decides between instances
 * racing on one key. Its answer is kept for IDEMPOTENCY_TTL_HOURS and replayed to the same
 * request; other content with the key is refused, and so is the key while its request runs.
 */
export class IdempotencyService {
  private readonly parts: ReservationParts;
  private timer: NodeJS.Timeout | null = null;

  constructor(repo: IdempotencyKeyRepository, markers: InProgressMarkers | null, options: { ttlMs: number; inProgressMs?: number }, logger: Logger) {
    this.parts = { repo, markers, ttlMs: options.ttlMs, inProgressMs: options.inProgressMs ?? IN_PROGRESS_MS, logger };
  }

  async claim(request: IdempotentRequest): Promise<IdempotencyClaim> {
    const { markers, inProgressMs } = this.parts;
    const ref: KeyRef = { organizationId: request.organizationId, keyHash: idempotencyKeyHash(request.key) };
    const owner = newId();
    const marked = markers ? await markers.hold(ref, owner, inProgressMs) : null;
    if (marked === false) return { kind: 'in_progress' };
    let claim: IdempotencyClaim;
    try {
      claim = await this.claimRow(ref, requestFingerprint(request.method, request.url, request.body), owner);
    } catch (err) {
      if (marked) await markers!.drop(ref);
      throw err;
    }
    if (marked && claim.kind !== 'run') await markers!.drop(ref);
    return claim;
  }

  private async claimRow(ref: KeyRef, fingerprint: string, owner: string): Promise<IdempotencyClaim> {
    const { repo, ttlMs, inProgressMs } = this.parts;
    // Two rounds: the second follows a dead row's removal, or a release between insert and read.
    for (let round = 0; round < 2; round++) {
      const now = Date.now();
      const lockedUntil = now + inProgressMs;
      if (await repo.reserve(ref, { fingerprint, owner, lockedUntil, now, expiresAt: now + ttlMs })) return this.run(ref, owner);
      const found = await repo.find(ref);
      if (!found) continue;
      if (isDead(found, now)) {
        await repo.deleteIfDead(ref, now);
        continue;
      }
      if (found.fingerprint !== fingerprint) return { kind: 'reused' };
      if (found.answer) return { kind: 'replay', answer: found.answer };
      if (found.lockedUntil !== null && found.lockedUntil > now) return { kind: 'in_progress' };
      // Its instance stopped renewing it: it died mid-request. The first retry takes it over.
      if (found.owner !== null && (await repo.takeOver(ref, found.owner, owner, lockedUntil, now))) return this.run(ref, owner);
      return { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  private run(ref: KeyRef, owner: string): IdempotencyClaim {
    return { kind: 'run', reservation: new IdempotencyReservation(this.parts, ref, owner) };
  }

  /** Deletes the rows past their expiry (every instance does; the delete is idempotent). */
  async prune(now = Date.now()): Promise<void> {
    try {
      await this.parts.repo.pruneDead(now);
    } catch (err) {
      this.parts.logger.warn({ err }, 'could not prune expired idempotency keys; will try again');
    }
  }

  start(): void {
    this.timer ??= setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Dead: past its expiry, and answered or no longer renewed by a running request. */
function isDead(record: IdempotencyRecord, now: number): boolean {
  return record.expiresAt <= now && (record.answer !== null || (record.lockedUntil ?? 0) <= now);
}
