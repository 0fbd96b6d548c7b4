import { randomBytes } from 'node:crypto';
import type { Webhook, WebhookAttempt, WebhookEvent } from '../domain/email';
import type { Page } from '../domain/types';
import { ApiError } from '../errors';
import { newId } from '../lib/ids';
import type { WebhookRepository } from '../repositories/webhooks';
import type { EventPublisher } from './events';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** Webhook subscriptions. The signing secret leaves this service once, in create's answer. */
export class WebhookService {
  constructor(
    private readonly repo: WebhookRepository,
    private readonly events: EventPublisher,
  ) {}

  async create(organizationId: string, input: { url: string; events: WebhookEvent[] }): Promise<{ webhook: Webhook; secret: string }> {
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
