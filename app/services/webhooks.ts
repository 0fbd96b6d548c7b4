import { randomBytes } from 'node:crypto';
import type { Webhook, WebhookAttempt, WebhookEvent } from '../domain/email';
import type { Page } from '../domain/types';
import { ApiError } from '../errors';
import { newId } from '../lib/ids';
import type { WebhookRepository } from '../repositories/webhooks';
import type { EventPublisher } from './events';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** Every event fans out to each of an organization's webhooks, so their number is bounded. */
export const MAX_WEBHOOKS_PER_ORGANIZATION = 20;

/** Webhook subscriptions. The signing secret leaves this service once, in create's answer. */
export class WebhookService {
  constructor(
    private readonly repo: WebhookRepository,
    private readonly events: EventPublisher,
  ) {}

  async create(organizationId: string, input: { url: string; events: WebhookEvent[] }): Promise<{ webhook: Webhook; secret: string }> {
    // Counted before the insert: concurrent creates may pass together, so the cap can be exceeded
    // by the number of creates racing at that moment, never grow without bound.
    if ((await this.repo.countForOrg(organizationId)) >= MAX_WEBHOOKS_PER_ORGANIZATION) {
      throw new ApiError('too_many_webhooks', `The organization has the most webhooks allowed (${MAX_WEBHOOKS_PER_ORGANIZATION}); delete one first.`);
    }
    const now = Date.now();
    const webhook: Webhook = { id: newId(now), organizationId, url: input.url, events: input.events, createdAt: now, updatedAt: now };
    const secret = WEBHOOK_SECRET_PREFIX + randomBytes(24).toString('base64url');
    await this.repo.insert(webhook, secret);
    return { webhook, secret };
  }

  list(organizationId: string, page: Page): Promise<Webhook[]> {
    return this.repo.listForOrg(organizationId, page);
  }

  async get(organizationId: string, id: string): Promise<Webhook> {
    const webhook = await this.repo.findForOrg(organizationId, id);
    if (!webhook) throw new ApiError('not_found', 'No webhook with this id.');
    return webhook;
  }

  /** Deletes it with its attempts; deliveries still queued for it are dropped when they come up. */
  async delete(organizationId: string, id: string): Promise<Webhook> {
    const webhook = await this.get(organizationId, id);
    await this.repo.delete(id);
    return webhook;
  }

  async test(organizationId: string, id: string): Promise<string> {
    return this.events.sendTest(await this.get(organizationId, id));
  }

  async attempts(organizationId: string, id: string, page: Page): Promise<WebhookAttempt[]> {
    await this.get(organizationId, id);
    return this.repo.listAttempts(id, page);
  }
}
