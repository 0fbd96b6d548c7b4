import type { Logger } from 'pino';
import type { DeliveredEvent, Inbox, Message, Webhook } from '../domain/email';
import { serializeInbox, serializeMessage, serializeWebhook } from '../http/emailSerializers';
import type { DeliveryQueue } from '../infra/deliveryQueue';
import { UnavailableError } from '../errors';
import { newId } from '../lib/ids';
import type { WebhookRepository } from '../repositories/webhooks';

export type EmailEvent =
  | { event: 'inbox.created' | 'inbox.updated' | 'inbox.deleted'; inbox: Inbox }
  | { event: 'message.sent' | 'message.rejected' | 'message.received'; message: Message };

export type UsageAlertEvent = 'api_key.new_client' | 'api_key.rejected' | 'organization.rate_limited';
export type DomainEvent = 'domain.verified' | 'domain.unverified';

// Queueing a test to a Redis that does not answer must not hold the request for long.
const TEST_ENQUEUE_DEADLINE_MS = 2000;

/**
 * Turns what happened into webhook deliveries: finds the organization's webhooks subscribed to
 * the event, builds the body once (one `id` per event, kept on every retry) and queues one job
 * per webhook. Emitting never delays or fails the request that caused the event.
 */
export class EventPublisher {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly repo: WebhookRepository,
    private readonly queue: DeliveryQueue,
    private readonly logger: Logger,
  ) {}

  emit(organizationId: string, what: EmailEvent): void {
    this.track(this.fanOut(organizationId, what), what.event, organizationId);
  }

  /**
   * A usage alert (docs/usage.md). `payload` is called only when a webhook of the organization
   * subscribes to the event, so an alert nobody listens to costs one query; null sends nothing.
   */
  emitAlert(organizationId: string, event: UsageAlertEvent, payload: () => Promise<object | null>): void {
    this.track(this.fanOutAlert(organizationId, event, payload), event, organizationId);
  }

  /** `domain.verified` / `domain.unverified`: `payload` is read only when a webhook subscribes. */
  emitDomain(organizationId: string, event: DomainEvent, payload: () => Promise<object | null>): void {
    this.track(this.fanOutAlert(organizationId, event, payload), event, organizationId);
  }

  private track(fanOut: Promise<void>, event: string, organizationId: string): void {
    const task = fanOut
      .catch((err: unknown) => this.logger.error({ err, event, organizationId }, 'could not queue webhook deliveries'))
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  private async fanOutAlert(organizationId: string, event: UsageAlertEvent | DomainEvent, payload: () => Promise<object | null>): Promise<void> {
    const webhooks = (await this.repo.allForOrg(organizationId)).filter((w) => w.events.includes(event));
    if (webhooks.length === 0) return;
    const body = await payload();
    if (!body) return;
    const eventId = newId();
    const text = envelope(eventId, event, organizationId, {}, body);
    const job = { eventId, organizationId, event, inboxId: null, messageId: null, body: text };
    await Promise.all(webhooks.map((w) => this.queue.enqueue({ ...job, webhookId: w.id })));
  }

  /** POST /webhooks/:id/test: a `webhook.test` event for that webhook only. */
  async sendTest(webhook: Webhook): Promise<string> {
    const eventId = newId();
    const body = envelope(eventId, 'webhook.test', webhook.organizationId, {}, serializeWebhook(webhook));
    const queued = this.queue.enqueue({ eventId, webhookId: webhook.id, organizationId: webhook.organizationId, event: 'webhook.test', inboxId: null, messageId: null, body });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('queue did not answer')), TEST_ENQUEUE_DEADLINE_MS)));
    try {
      await Promise.race([queued, late]);
    } catch (err) {
      throw new UnavailableError('redis', err);
    } finally {
      clearTimeout(timer);
    }
    return eventId;
  }

  /** Waits (boundedly) for fan-outs in flight, so shutdown does not cut them off. */
  async drain(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.pending), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  private async fanOut(organizationId: string, what: EmailEvent): Promise<void> {
    const webhooks = (await this.repo.allForOrg(organizationId)).filter((w) => w.events.includes(what.event));
    if (webhooks.length === 0) return;
    const eventId = newId();
    const ids = 'inbox' in what ? { inboxId: what.inbox.id, messageId: null } : { inboxId: what.message.inboxId, messageId: what.message.id };
    const payload = 'inbox' in what ? serializeInbox(what.inbox) : serializeMessage(what.message);
    const body = envelope(eventId, what.event, organizationId, ids, payload);
    await Promise.all(webhooks.map((w) => this.queue.enqueue({ eventId, webhookId: w.id, organizationId, event: what.event, ...ids, body })));
  }
}

/** The body of a webhook delivery (docs/email.md#a-delivery). */
function envelope(id: string, event: DeliveredEvent, organizationId: string, ids: { inboxId?: string | null; messageId?: string | null }, payload: object): string {
  return JSON.stringify({
    id,
    event,
    createdAt: new Date().toISOString(),
    organizationId,
    ...(ids.inboxId ? { inboxId: ids.inboxId } : {}),
    ...(ids.messageId ? { messageId: ids.messageId } : {}),
    payload,
  });
}
