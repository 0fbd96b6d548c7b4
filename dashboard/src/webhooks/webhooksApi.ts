// The organization's webhooks through /organizations/:orgId/webhooks (docs/email.md#webhooks).
import { call, orgPath } from '../api';

export { WEBHOOK_EVENTS } from './events';

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  updatedAt: string;
}

/** The creation answer: the only time the signing secret is present. */
export interface NewWebhook extends Webhook {
  secret: string;
}

export interface WebhookAttempt {
  id: string;
  eventId: string;
  event: string;
  attempt: number;
  success: boolean;
  /** The target's HTTP status, or null when no response came. */
  status: number | null;
  durationMs: number;
  error: string | null;
  /** The earliest time of the next try; null when delivered or no retry will come. */
  nextAttemptAt: string | null;
  createdAt: string;
}

const hookPath = (orgId: string, id: string) => `${orgPath(orgId)}/webhooks/${encodeURIComponent(id)}`;

export const webhooksApi = {
  list: (token: string, orgId: string) => call<Webhook[]>('GET', `${orgPath(orgId)}/webhooks?limit=100`, token),
  get: (token: string, orgId: string, id: string) => call<Webhook>('GET', hookPath(orgId, id), token),
  create: (token: string, orgId: string, body: { url: string; events: string[] }) =>
    call<NewWebhook>('POST', `${orgPath(orgId)}/webhooks`, token, body),
  remove: (token: string, orgId: string, id: string) => call<Webhook>('DELETE', hookPath(orgId, id), token),
  test: (token: string, orgId: string, id: string) => call<{ success: boolean; eventId: string }>('POST', `${hookPath(orgId, id)}/test`, token),
  attempts: (token: string, orgId: string, id: string, before?: string) =>
    call<WebhookAttempt[]>('GET', `${hookPath(orgId, id)}/attempts?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`, token),
};
