import type { Logger } from 'pino';
import type { RequestLogRepository } from '../repositories/requestLogs';
import type { UsageRepository } from '../repositories/usage';
import type { UsageAlerts } from './usageAlerts';
import type { UsageBatch, UsageRecorder } from './usageRecorder';

/**
 * Moves what the recorder aggregated into the database, at most once per USAGE_FLUSH_MS: one
 * multi-row upsert for the counts (minute, hour and day rows), one for the clients, one insert for
 * the log lines, then the alerts. Never on a request. A part the database refuses goes back to
 * the recorder (bounded) and is written by a later flush; stop() flushes what is left.
 */
export class UsageFlusher {
  private timer: NodeJS.Timeout | null = null;
  /** The last flush started; the next one waits for it. */
  private tail: Promise<void> = Promise.resolve();
  private busy = false;
  /** Organizations that got log lines since the pruner last asked (it caps their rows). */
  private readonly loggedOrgs = new Set<string>();
  /** Flushes that left something behind (a database fault), for tests and logs. */
  failures = 0;
  /** Flushes started so far, empty ones included: tests count flushes rather than time. */
  started = 0;

  constructor(
    private readonly recorder: UsageRecorder,
    private readonly usage: UsageRepository,
    private readonly logs: RequestLogRepository,
    private readonly alerts: UsageAlerts,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    // A tick while a flush is still running (a slow database) is skipped, not queued.
    this.timer ??= setInterval(() => {
      if (!this.busy) void this.flush();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One flush at a time: a call while one runs waits for it and then flushes again. */
  flush(): Promise<void> {
    const run = this.tail.then(async () => {
      this.busy = true;
      this.started++;
      try {
        await this.flushOnce();
      } finally {
        this.busy = false;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  takeLoggedOrganizations(): string[] {
    const orgs = [...this.loggedOrgs];
    this.loggedOrgs.clear();
    return orgs;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async flushOnce(): Promise<void> {
    const batch = this.recorder.take();
    if (batch.empty) return;
    const failed: Partial<Pick<UsageBatch, 'cells' | 'clients' | 'logs'>> = {};
    const attempt = async (part: keyof typeof failed, write: () => Promise<void>) => {
      try {
        await write();
      } catch (err) {
        (failed as Record<string, unknown>)[part] = batch[part];
        this.logger.warn({ err, part }, 'could not write usage; kept for the next flush');
      }
    };
    await attempt('cells', () => this.usage.add([...batch.cells.values()]));
    await attempt('clients', () => this.usage.addClients([...batch.clients.values()]));
    await attempt('logs', async () => {
      await this.logs.insert(batch.logs);
      for (const line of batch.logs) this.loggedOrgs.add(line.organizationId);
    });
    // Alerts are best effort: while the database is down they wait for the next refusal, empty
    // bucket or sighting after it returns (the sightings themselves are kept above).
    if (!failed.clients) {
      await this.alerts.process(batch).catch((err: unknown) => this.logger.warn({ err }, 'could not check usage alerts'));
    }
    if (Object.keys(failed).length > 0) {
      this.failures++;
      this.recorder.restore(failed);
    }
  }
}
