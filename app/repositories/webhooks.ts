import type { Knex } from 'knex';
import type { Webhook, WebhookAttempt } from '../domain/email';
import type { Page } from '../domain/types';
import { paginate } from './db';
import { toWebhook, toWebhookAttempt, type WebhookAttemptRow, type WebhookRow } from './emailRows';

export class WebhookRepository {
  constructor(private readonly knex: Knex) {}

  async insert(webhook: Webhook, secret: string): Promise<void> {
    await this.knex<WebhookRow>('webhooks').insert({
      id: webhook.id,
      organization_id: webhook.organizationId,
      url: webhook.url,
      events: JSON.stringify(webhook.events),
      secret,
      created_at: webhook.createdAt,
      updated_at: webhook.updatedAt,
    });
  }

  async findForOrg(orgId: string, id: string): Promise<Webhook | null> {
    const row = await this.knex<WebhookRow>('webhooks').where({ id, organization_id: orgId }).first();
    return row ? toWebhook(row) : null;
  }

  /** For the delivery worker only: the one read that includes the signing secret. */
  async findWithSecret(id: string): Promise<{ webhook: Webhook; secret: string } | null> {
    const row = await this.knex<WebhookRow>('webhooks').where({ id }).first();
    return row ? { webhook: toWebhook(row), secret: row.secret } : null;
  }

  async listForOrg(orgId: string, page: Page): Promise<Webhook[]> {
    const rows = (await paginate(this.knex<WebhookRow>('webhooks').where({ organization_id: orgId }), page)) as WebhookRow[];
    return rows.map(toWebhook);
  }

  /** All of an organization's webhooks; an organization has few, so events are matched in code. */
  async countForOrg(orgId: string): Promise<number> {
    const row = await this.knex<WebhookRow>('webhooks').where({ organization_id: orgId }).count<{ n: number | string }[]>({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async allForOrg(orgId: string): Promise<Webhook[]> {
    const rows = await this.knex<WebhookRow>('webhooks').where({ organization_id: orgId }).orderBy('id');
    return rows.map(toWebhook);
  }

  /** Its attempts go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.knex<WebhookRow>('webhooks').where({ id }).delete();
  }

  async insertAttempt(a: WebhookAttempt): Promise<void> {
    await this.knex<WebhookAttemptRow>('webhook_attempts').insert({
      id: a.id,
      organization_id: a.organizationId,
      webhook_id: a.webhookId,
      event_id: a.eventId,
      event: a.event,
      inbox_id: a.inboxId,
      message_id: a.messageId,
      attempt: a.attempt,
      success: a.success,
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      created_at: a.createdAt,
      next_attempt_at: a.nextAttemptAt,
    });
  }

  async listAttempts(webhookId: string, page: Page): Promise<WebhookAttempt[]> {
    const rows = (await paginate(this.knex<WebhookAttemptRow>('webhook_attempts').where({ webhook_id: webhookId }), page)) as WebhookAttemptRow[];
    return rows.map(toWebhookAttempt);
  }
}
