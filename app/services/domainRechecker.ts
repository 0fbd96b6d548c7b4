import type { Logger } from 'pino';
import type { RepeatLock } from '../infra/repeatLock';
import type { DomainRepository } from '../repositories/domains';
import type { DomainService } from './domains';

const PAGE = 100;

/**
 * Checks verified domains again every DOMAIN_RECHECK_HOURS, so one whose records were removed
 * becomes unverified (docs/email.md, "Your own domain"). One instance per interval does it: the
 * round takes a lock held for most of the interval (in Redis when configured, else in process).
 */
export class DomainRechecker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly domains: DomainService,
    private readonly repo: DomainRepository,
    private readonly lock: RepeatLock,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
  }

  /** The timer's round: skipped when one is running here or another instance has this interval's lock. */
  run(): Promise<void> {
    return this.once(async () => {
      // A little under the interval: the next round's timer must find it free.
      if (await this.lock.acquire(Math.max(1000, Math.floor(this.intervalMs * 0.9)))) await this.recheckAll();
    });
  }

  /** Every verified domain, now, whatever the lock (tests, operators). */
  runNow(): Promise<void> {
    return this.once(() => this.recheckAll());
  }

  private once(round: () => Promise<void>): Promise<void> {
    this.running ??= round()
      .catch((err: unknown) => this.logger.warn({ err }, 'could not re-check domains; will try again'))
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async recheckAll(): Promise<void> {
    let after = '';
    for (;;) {
      const page = await this.repo.verifiedAfter(after, PAGE);
      for (const domain of page) {
        if (this.stopping) return;
        await this.domains.recheck(domain).catch((err: unknown) => this.logger.warn({ err, domain: domain.name }, 'could not re-check a domain'));
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1]!.id;
    }
  }
}
