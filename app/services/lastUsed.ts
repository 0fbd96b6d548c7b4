import type { Logger } from 'pino';
import type { ApiKeyRepository } from '../repositories/apiKeys';

/**
 * Keeps `lastUsedAt` without a database write per request: uses are aggregated in process and
 * written at most once per flush interval (a minute) per key.
 */
export class LastUsedTracker {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: ApiKeyRepository,
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  touch(keyId: string, at: number): void {
    this.pending.set(keyId, at);
  }

  /** The not yet written use of a key on this instance, so responses do not look stale. */
  pendingFor(keyId: string): number | undefined {
    return this.pending.get(keyId);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    for (const [id, at] of batch) {
      try {
        await this.repo.touchLastUsed(id, at);
      } catch (err) {
        // The database is down: keep the newest use for the next flush rather than lose it.
        if (!this.pending.has(id)) this.pending.set(id, at);
        this.logger.warn({ err, keyId: id }, 'could not record lastUsedAt; will retry');
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
