import type { Logger } from 'pino';
import { GRANULARITIES, USAGE_RETENTION_MS } from '../domain/usage';
import type { AlertMarkRepository } from '../repositories/alertMarks';
import type { RequestLogRepository } from '../repositories/requestLogs';
import type { UsageRepository } from '../repositories/usage';
import type { UsageFlusher } from './usageFlusher';

const DAY_MS = 86_400_000;
/** Clients not seen for this long leave GET /api_keys/:id/clients. */
export const CLIENT_RETENTION_MS = 90 * DAY_MS;

export interface RequestLogBounds {
  retentionDays: number;
  /** The newest this many lines per organization are kept (REQUEST_LOG_MAX_ROWS_PER_ORG). */
  maxRowsPerOrganization: number;
}

/**
 * Deletes what is past its retention (docs/usage.md), on a timer of its own, never on a request:
 * minute buckets after 48 h, hours after 90 days, days after a year, request-log lines after
 * REQUEST_LOG_RETENTION_DAYS and beyond REQUEST_LOG_MAX_ROWS_PER_ORG per organization, clients
 * after 90 days of silence, expired alert marks. Every instance prunes; the deletes are idempotent.
 */
export class UsagePruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly repos: { usage: UsageRepository; logs: RequestLogRepository; marks: AlertMarkRepository },
    private readonly flusher: UsageFlusher,
    private readonly bounds: RequestLogBounds,
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.prune(), this.intervalMs);
    this.timer.unref();
  }

  prune(now = Date.now()): Promise<void> {
    this.running ??= this.pruneOnce(now)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not prune usage; will try again'))
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async pruneOnce(now: number): Promise<void> {
    const { usage, logs, marks } = this.repos;
    for (const g of GRANULARITIES) await usage.prune(g, now - USAGE_RETENTION_MS[g]);
    await usage.pruneClients(now - CLIENT_RETENTION_MS);
    await logs.pruneOlderThan(now - this.bounds.retentionDays * DAY_MS);
    for (const org of this.flusher.takeLoggedOrganizations()) await logs.capOrganization(org, this.bounds.maxRowsPerOrganization);
    await marks.pruneExpired(now);
  }
}
