import { bucketStart, emptyOutcomes, FIELD_LIMITS, outcomeOf, type KeyClient, type OutcomeCounts, type RejectionReason, type RequestLogLine } from '../domain/usage';
import { UsageDrops } from '../infra/counters';
import { newId } from '../lib/ids';

/** One finished /v1 request with a known key, as app/middleware/recordUsage.ts hands it over. */
export interface UsageSample {
  organizationId: string;
  apiKeyId: string;
  /** Set when the key itself was refused (deleted, deactivated, expired). */
  refused: RejectionReason | null;
  status: number;
  at: number;
  method: string;
  route: string;
  path: string;
  address: string;
  userAgent: string;
  durationMs: number;
  requestId: string;
  /** The organization's bucket ran out on this request. */
  rateLimited: { limit: number; resetAt: number } | null;
  /** Answered from an Idempotency-Key's kept answer (the request log shows it). */
  replayed?: boolean;
}

export interface UsageCell {
  apiKeyId: string;
  organizationId: string;
  /** Start of the minute. */
  at: number;
  outcomes: OutcomeCounts;
}

/** What one flush writes: everything recorded since the previous flush. */
export class UsageBatch {
  readonly cells = new Map<string, UsageCell>();
  readonly clients = new Map<string, KeyClient>();
  logs: RequestLogLine[] = [];
  /** Request-log lines kept in this batch per organization, for the per-flush sampling. */
  readonly logsPerOrg = new Map<string, { ok: number; other: number }>();
  readonly refused = new Map<string, { organizationId: string; reason: RejectionReason }>();
  readonly rateLimited = new Map<string, { limit: number; resetAt: number }>();

  get empty(): boolean {
    return this.cells.size === 0 && this.clients.size === 0 && this.logs.length === 0 && this.refused.size === 0 && this.rateLimited.size === 0;
  }
}

interface Recent {
  minute: number;
  address: string;
  userAgent: string;
  cell: UsageCell | undefined;
  client: KeyClient | undefined;
}

/** Bounds of what an instance holds while the database does not answer (docs/usage.md). */
export interface UsageLimits {
  maxCells: number;
  maxClients: number;
  maxLogLines: number;
  /** Request-log lines per organization per flush: 2xx beyond `ok` are sampled out, others beyond `other`. */
  logsPerOrgPerFlush: { ok: number; other: number };
}

export const DEFAULT_USAGE_LIMITS: UsageLimits = {
  maxCells: 50_000,
  maxClients: 10_000,
  maxLogLines: 10_000,
  logsPerOrgPerFlush: { ok: 100, other: 1000 },
};

/**
 * Aggregates usage in process: counts per key and minute, client sightings and request-log lines,
 * all in Maps and one array, so recording costs a few Map operations and no I/O. The flusher takes
 * the batch (`take`) and gives back what it could not write (`restore`).
 *
 * Past the bounds, request-log lines are dropped first (a buffer of at most maxLogLines), then new
 * client sightings, then new key-minutes; counts into key-minutes already held never are.
 */
export class UsageRecorder {
  private batch = new UsageBatch();
  /**
   * Per key, the cell and client it last counted into in this batch. A key's next request in the
   * same minute from the same client skips building the two composite map keys (new strings,
   * hashed each time): about half of what recording a request cost (docs/performance.md).
   */
  private recent = new Map<string, Recent>();

  constructor(
    readonly limits: UsageLimits = DEFAULT_USAGE_LIMITS,
    readonly drops = new UsageDrops(),
  ) {}

  record(s: UsageSample): void {
    const batch = this.batch;
    const minute = bucketStart(s.at, 'minute');
    const address = s.address.slice(0, FIELD_LIMITS.address);
    const userAgent = s.userAgent.slice(0, FIELD_LIMITS.userAgent);
    let recent = this.recent.get(s.apiKeyId);
    if (!recent || recent.minute !== minute || recent.address !== address || recent.userAgent !== userAgent) {
      const cell = this.cellFor(batch, s, minute);
      const client = this.clientFor(batch, s, address, userAgent);
      recent = { minute, address, userAgent, cell, client };
      // Only what the batch holds is remembered; a dropped cell or client is looked up again.
      if (cell && client) this.recent.set(s.apiKeyId, recent);
    }
    if (recent.cell) recent.cell.outcomes[outcomeOf(s.status, s.refused !== null)]++;
    if (recent.client) {
      recent.client.requests++;
      recent.client.lastSeenAt = s.at;
    }

    this.log(batch, s, address, userAgent);
    if (s.refused) batch.refused.set(s.apiKeyId, { organizationId: s.organizationId, reason: s.refused });
    if (s.rateLimited && !batch.rateLimited.has(s.organizationId)) batch.rateLimited.set(s.organizationId, s.rateLimited);
  }

  private cellFor(batch: UsageBatch, s: UsageSample, minute: number): UsageCell | undefined {
    const cellKey = `${s.apiKeyId} ${minute}`;
    let cell = batch.cells.get(cellKey);
    if (!cell) {
      if (batch.cells.size >= this.limits.maxCells) this.drops.usage++;
      else batch.cells.set(cellKey, (cell = { apiKeyId: s.apiKeyId, organizationId: s.organizationId, at: minute, outcomes: emptyOutcomes() }));
    }
    return cell;
  }

  /** The client's entry (record counts the request), or undefined when the bound dropped it. */
  private clientFor(batch: UsageBatch, s: UsageSample, address: string, userAgent: string): KeyClient | undefined {
    const clientKey = `${s.apiKeyId} ${address} ${userAgent}`;
    let client = batch.clients.get(clientKey);
    if (!client) {
      if (batch.clients.size >= this.limits.maxClients) this.drops.clients++;
      else batch.clients.set(clientKey, (client = { apiKeyId: s.apiKeyId, organizationId: s.organizationId, address, userAgent, requests: 0, firstSeenAt: s.at, lastSeenAt: s.at }));
    }
    return client;
  }

  /** Everything recorded so far; recording goes on into a fresh batch. */
  take(): UsageBatch {
    const taken = this.batch;
    this.batch = new UsageBatch();
    this.recent = new Map();
    return taken;
  }

  /** Puts back the parts of a taken batch that could not be written, within the bounds. */
  restore(failed: Partial<Pick<UsageBatch, 'cells' | 'clients' | 'logs'>>): void {
    const batch = this.batch;
    for (const [key, old] of failed.cells ?? []) {
      const cell = batch.cells.get(key);
      if (cell) for (const o of Object.keys(old.outcomes) as (keyof OutcomeCounts)[]) cell.outcomes[o] += old.outcomes[o];
      else if (batch.cells.size >= this.limits.maxCells) this.drops.usage++;
      else batch.cells.set(key, old);
    }
    for (const [key, old] of failed.clients ?? []) {
      const client = batch.clients.get(key);
      if (client) {
        client.requests += old.requests;
        client.firstSeenAt = Math.min(client.firstSeenAt, old.firstSeenAt);
      } else if (batch.clients.size >= this.limits.maxClients) this.drops.clients++;
      else batch.clients.set(key, old);
    }
    if (failed.logs?.length) {
      // The older lines go first into the buffer; what does not fit is dropped (newest first).
      const room = Math.max(0, this.limits.maxLogLines - batch.logs.length);
      this.drops.logs += Math.max(0, failed.logs.length - room);
      batch.logs = [...failed.logs.slice(0, room), ...batch.logs];
    }
  }

  private log(batch: UsageBatch, s: UsageSample, address: string, userAgent: string): void {
    let perOrg = batch.logsPerOrg.get(s.organizationId);
    if (!perOrg) batch.logsPerOrg.set(s.organizationId, (perOrg = { ok: 0, other: 0 }));
    const ok = s.status < 300;
    if (ok ? perOrg.ok >= this.limits.logsPerOrgPerFlush.ok : perOrg.other >= this.limits.logsPerOrgPerFlush.other) {
      this.drops.logsSampled++;
      return;
    }
    if (batch.logs.length >= this.limits.maxLogLines) {
      this.drops.logs++;
      return;
    }
    if (ok) perOrg.ok++;
    else perOrg.other++;
    batch.logs.push({
      id: newId(s.at),
      organizationId: s.organizationId,
      apiKeyId: s.apiKeyId,
      method: s.method,
      route: s.route.slice(0, FIELD_LIMITS.route),
      path: s.path.slice(0, FIELD_LIMITS.path),
      status: s.status,
      address,
      userAgent,
      durationMs: Math.round(s.durationMs),
      requestId: s.requestId.slice(0, FIELD_LIMITS.requestId),
      replayed: s.replayed === true,
    });
  }
}
