import type { Logger } from 'pino';
import { backoffDelay, jobIdOf, type DeliveryHandler, type DeliveryJob, type DeliveryQueue, type RetryPolicy } from './deliveryQueue';

/**
 * Embedded mode (no REDIS_URL): the same retries and backoff in process. Jobs waiting for a retry
 * are lost if the process stops; that is the price of running without Redis, said in the docs.
 */
export class MemoryDeliveryQueue implements DeliveryQueue {
  readonly kind = 'memory' as const;
  private handler: DeliveryHandler | null = null;
  private readonly queuedIds = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  private closed = false;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly logger: Logger,
  ) {}

  start(handler: DeliveryHandler): void {
    this.handler = handler;
  }

  async enqueue(job: DeliveryJob): Promise<void> {
    const id = jobIdOf(job);
    if (this.closed || this.queuedIds.has(id)) return;
    this.queuedIds.add(id);
    this.schedule(job, 1, 0);
  }

  async depth(): Promise<Record<string, number>> {
    // Queued ids cover jobs waiting for a slot or a retry and the running ones.
    return { active: this.active, queued: this.queuedIds.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(this.running);
  }

  private schedule(job: DeliveryJob, attempt: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(job, attempt);
    }, delayMs);
    this.timers.add(timer);
  }

  private async run(job: DeliveryJob, attempt: number): Promise<void> {
    await this.slot();
    if (this.closed || !this.handler) return this.release();
    const handler = this.handler;
    const task = (async () => {
      let outcome;
      try {
        outcome = await handler(job, attempt);
      } catch (err) {
        this.logger.warn({ err, eventId: job.eventId, webhookId: job.webhookId }, 'webhook delivery attempt failed unexpectedly');
        outcome = 'retry' as const;
      }
      if (outcome === 'retry' && attempt < this.policy.maxAttempts && !this.closed) {
        this.schedule(job, attempt + 1, backoffDelay(this.policy, attempt));
      } else {
        this.queuedIds.delete(jobIdOf(job));
      }
    })();
    this.running.add(task);
    await task.finally(() => {
      this.running.delete(task);
      this.release();
    });
  }

  /** At most `concurrency` attempts at once, like the BullMQ worker. */
  private async slot(): Promise<void> {
    if (this.active < this.policy.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
