import type { Logger } from 'pino';
import { backoffDelay, type DeliveryJob, type DeliveryOutcome, type RetryPolicy } from '../infra/deliveryQueue';
import { postBody } from '../lib/httpPost';
import { newId } from '../lib/ids';
import { SIGNATURE_HEADER, signPayload } from '../lib/webhookSignature';
import type { WebhookRepository } from '../repositories/webhooks';
import { TARGET_REFUSED, type WebhookTargetGuard } from './webhookTargets';

const USER_AGENT = 'Sendook-Webhooks/1.0 (+https://sendook.com)';

/**
 * One delivery attempt of one event to one webhook: sign, POST with a timeout, record the attempt
 * (status, duration, error, when the next try comes) and tell the queue whether to retry. The
 * next try's time follows the queue's own schedule (`backoffDelay`, the same in both queues).
 */
export class WebhookDeliverer {
  constructor(
    private readonly repo: WebhookRepository,
    private readonly guard: WebhookTargetGuard,
    private readonly policy: RetryPolicy,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  readonly deliver = async (job: DeliveryJob, attempt: number): Promise<DeliveryOutcome> => {
    const found = await this.repo.findWithSecret(job.webhookId);
    // Deleted since the event was queued: nobody is left to tell, and nowhere to record it.
    if (!found) return 'give_up';
    const url = new URL(found.webhook.url);
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let refused = false;
    try {
      const refusal = this.guard.refusalFor(url);
      if (refusal) throw refusal;
      const timestamp = Math.floor(started / 1000);
      statusCode = await postBody(
        url,
        job.body,
        {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          [SIGNATURE_HEADER]: signPayload(found.secret, job.body, timestamp),
          'Sendook-Event': job.event,
          'Sendook-Event-Id': job.eventId,
          'Sendook-Attempt': String(attempt),
        },
        { timeoutMs: this.timeoutMs, lookup: this.guard.lookup },
      );
      if (statusCode < 200 || statusCode > 299) error = `target answered HTTP ${statusCode}`;
    } catch (err) {
      refused = (err as NodeJS.ErrnoException).code === TARGET_REFUSED;
      error = (err as Error).message || String(err);
    }
    const success = error === null;
    // A refused target will be refused again: retrying would only fill the attempt log.
    const outcome: DeliveryOutcome = success ? 'delivered' : refused ? 'give_up' : 'retry';
    const finished = Date.now();
    const retried = outcome === 'retry' && attempt < this.policy.maxAttempts;
    await this.repo.insertAttempt({
      id: newId(),
      organizationId: job.organizationId,
      webhookId: job.webhookId,
      eventId: job.eventId,
      event: job.event,
      inboxId: job.inboxId,
      messageId: job.messageId,
      attempt,
      success,
      statusCode,
      durationMs: finished - started,
      error,
      createdAt: finished,
      nextAttemptAt: retried ? finished + backoffDelay(this.policy, attempt) : null,
    });
    if (!success) this.logger.info({ webhookId: job.webhookId, eventId: job.eventId, attempt, statusCode, error }, 'webhook delivery failed');
    return outcome;
  };
}
