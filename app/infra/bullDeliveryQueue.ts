import { Queue, UnrecoverableError, Worker } from 'bullmq';
import Redis from 'ioredis';
import type { Logger } from 'pino';
import { jobIdOf, type DeliveryHandler, type DeliveryJob, type DeliveryQueue, type RetryPolicy } from './deliveryQueue';

const QUEUE_NAME = 'webhooks';
// Failed jobs are kept a week for inspection (`<prefix>bull:webhooks:failed`); every attempt is
// in the database anyway, so completed ones are dropped at once.
const KEEP_FAILED = { age: 7 * 86_400, count: 10_000 };
const CLOSE_GRACE_MS = 5_000;

/**
 * Deliveries on BullMQ: survive restarts, are shared by every instance on the same Redis, and
 * retried with exponential backoff. BullMQ gets connections of its own: its blocking commands
 * need `maxRetriesPerRequest: null`, the opposite of the request path's 100 ms, no-offline-queue
 * client, which must never wait behind them.
 */
export class BullDeliveryQueue implements DeliveryQueue {
  readonly kind = 'redis' as const;
  private readonly queueConnection: Redis;
  private readonly workerConnection: Redis;
  private readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(
    private readonly options: { url: string; prefix: string; policy: RetryPolicy; logger: Logger },
  ) {
    const connection = { maxRetriesPerRequest: null, connectTimeout: 2000 };
    this.queueConnection = new Redis(options.url, connection);
    this.workerConnection = new Redis(options.url, connection);
    for (const client of [this.queueConnection, this.workerConnection]) client.on('error', () => undefined);
    this.queue = new Queue(QUEUE_NAME, { connection: this.queueConnection, prefix: options.prefix });
    this.queue.on('error', (err) => options.logger.warn({ err }, 'webhook queue error'));
  }

  start(handler: DeliveryHandler): void {
    const { policy, prefix, logger } = this.options;
    this.worker = new Worker<DeliveryJob>(
      QUEUE_NAME,
      async (job) => {
        // attemptsMade counts the tries that already failed.
        const outcome = await handler(job.data, job.attemptsMade + 1);
        if (outcome === 'retry') throw new Error('delivery failed; retrying with backoff');
        if (outcome === 'give_up') throw new UnrecoverableError('delivery abandoned');
      },
      { connection: this.workerConnection, prefix, concurrency: policy.concurrency },
    );
    this.worker.on('error', (err) => logger.warn({ err }, 'webhook worker error'));
  }

  async enqueue(job: DeliveryJob): Promise<void> {
    const { policy } = this.options;
    await this.queue.add('deliver', job, {
      jobId: jobIdOf(job),
      attempts: policy.maxAttempts,
      backoff: { type: 'exponential', delay: policy.backoffMs },
      removeOnComplete: true,
      removeOnFail: KEEP_FAILED,
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    // Running attempts end within their own timeout; a Redis that is gone must not hold
    // shutdown, so past the grace period the worker is closed without waiting.
    if (worker) await withDeadline(worker.close(), CLOSE_GRACE_MS, () => worker.close(true));
    await withDeadline(this.queue.close(), CLOSE_GRACE_MS, async () => undefined);
    this.queueConnection.disconnect();
    this.workerConnection.disconnect();
  }
}

async function withDeadline(work: Promise<unknown>, ms: number, onTimeout: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const result = await Promise.race([work.then(() => 'done' as const), late]).catch(() => 'done' as const);
  clearTimeout(timer);
  if (result === 'late') await onTimeout().catch(() => undefined);
}
