import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createQueueConnection, type RedisTarget } from './redisClients';
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
  private readonly queueConnection: Redis | Cluster;
  private readonly workerConnection: Redis | Cluster;
  private readonly queue: Queue;
  private worker: Worker | null = null;
  private closing = false;

  constructor(
    /** `prefix` is hash-tagged (RedisKeys.bullPrefix): BullMQ's scripts touch several keys of a queue. */
    private readonly options: { target: RedisTarget; prefix: string; policy: RetryPolicy; logger: Logger },
  ) {
    // BullMQ duplicates these options for its internal blocking connection, so this retry
    // strategy governs every connection it holds: reconnect until close() is called, then stop.
    const reconnect = (times: number) => (this.closing ? null : Math.min(times * 200, 2000));
    this.queueConnection = createQueueConnection(options.target, reconnect);
    this.workerConnection = createQueueConnection(options.target, reconnect);
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

  /** Both of its connections are up (a clean close needs them). */
  get connected(): boolean {
    return this.workerConnection.status === 'ready' && this.queueConnection.status === 'ready';
  }

  depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
  }

  async close(): Promise<void> {
    // Running attempts end within their own timeout. BullMQ's close waits for Redis forever, so
    // when Redis is not there (or stops answering within the grace period) every connection it
    // holds, its internal blocking one included, is cut instead; nothing then holds the process.
    this.closing = true;
    const redisUp = this.connected;
    const closing = Promise.allSettled([this.worker?.close(), this.queue.close()]);
    const closed = redisUp && (await settlesWithin(closing, CLOSE_GRACE_MS));
    if (!closed) await settlesWithin(Promise.allSettled([this.worker?.disconnect(), this.queue.disconnect()]), 1000);
    this.queueConnection.disconnect();
    this.workerConnection.disconnect();
  }
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([work.then(() => true as const), late]);
  clearTimeout(timer);
  return settled;
}
