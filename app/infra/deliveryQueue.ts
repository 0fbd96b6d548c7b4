import type { DeliveredEvent } from '../domain/email';

/** One event for one webhook. Holds no secret: the worker reads the webhook when it delivers. */
export interface DeliveryJob {
  eventId: string;
  webhookId: string;
  organizationId: string;
  event: DeliveredEvent;
  inboxId: string | null;
  messageId: string | null;
  /** The exact JSON body, built once so every retry sends the same bytes. */
  body: string;
}

/** `retry` while attempts remain; `give_up` ends the job at once (webhook gone, target refused). */
export type DeliveryOutcome = 'delivered' | 'retry' | 'give_up';
export type DeliveryHandler = (job: DeliveryJob, attempt: number) => Promise<DeliveryOutcome>;

export interface RetryPolicy {
  maxAttempts: number;
  /** Wait before the 2nd attempt; doubles for each one after. */
  backoffMs: number;
  concurrency: number;
}

/** Runs deliveries outside the request that caused them: BullMQ on Redis, or in process. */
export interface DeliveryQueue {
  readonly kind: 'redis' | 'memory';
  start(handler: DeliveryHandler): void;
  /** Queues a job; a job id already queued (same event, same webhook) is not queued twice. */
  enqueue(job: DeliveryJob): Promise<void>;
  /** Stops taking jobs, lets running attempts finish and releases connections and timers. */
  close(): Promise<void>;
  /** Jobs by state, for /metrics (read only when scraped). */
  depth(): Promise<Record<string, number>>;
}

export const jobIdOf = (job: Pick<DeliveryJob, 'eventId' | 'webhookId'>): string => `${job.eventId}-${job.webhookId}`;

/** The same schedule as BullMQ's exponential backoff, for the in-process queue. */
export const backoffDelay = (policy: RetryPolicy, failedAttempt: number): number => policy.backoffMs * 2 ** (failedAttempt - 1);
