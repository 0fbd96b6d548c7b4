import { pageQuery } from '../../http/schemas';
import { createWebhookBody } from '../../routes/webhooks/schemas';
import { WebhookTargetGuard } from '../../services/webhookTargets';
import { createdWebhookObject, webhookAttemptObject, webhookObject, webhookTestResult } from '../objects';
import type { ResourceRouteDoc } from '../routes';

const tag = 'Webhooks';

// The route builds its body schema with the server's target guard; the guard runs in a
// refinement, which JSON Schema cannot carry, so either setting gives the same document.
const createBody = createWebhookBody(new WebhookTargetGuard(false));

/** routes/webhooks/router.ts, mounted at /v1/webhooks and /organizations/:orgId/webhooks. */
export const webhookRoutes: ResourceRouteDoc[] = [
  {
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhooks',
    summary: "The organization's webhooks, newest first (never with the secret)",
    tag,
    query: pageQuery,
    response: { status: 200, description: 'A page of webhooks.', schema: webhookObject, list: true },
  },
  {
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhook',
    summary: 'Create a webhook; the signing secret is in this response only',
    description:
      'The URL is kept exactly as given; unless WEBHOOK_ALLOW_PRIVATE=true it may not point at loopback or private addresses. ' +
      'Duplicate events are dropped. At most 20 per organization (409 too_many_webhooks).',
    tag,
    body: createBody,
    response: { status: 201, description: 'The webhook, with its secret in `secret`.', schema: createdWebhookObject },
    errors: ['too_many_webhooks'],
  },
  {
    method: 'get',
    path: '/webhooks/:id',
    operationId: 'getWebhook',
    summary: 'One webhook',
    tag,
    response: { status: 200, description: 'The webhook.', schema: webhookObject },
  },
  {
    method: 'delete',
    path: '/webhooks/:id',
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook with its attempts',
    description: 'Deliveries still queued for it are dropped when they come up.',
    tag,
    response: { status: 200, description: 'The deleted webhook.', schema: webhookObject },
  },
  {
    method: 'post',
    path: '/webhooks/:id/test',
    operationId: 'testWebhook',
    summary: 'Queue a `webhook.test` event (payload: the webhook) for this webhook only',
    description: 'Answers once the event is queued; 503 if the queue cannot take it within 2 s.',
    tag,
    response: { status: 200, description: 'Queued.', schema: webhookTestResult },
    errors: ['service_unavailable'],
  },
  {
    method: 'get',
    path: '/webhooks/:id/attempts',
    operationId: 'listWebhookAttempts',
    summary: "The webhook's delivery attempts, newest first",
    tag,
    query: pageQuery,
    response: { status: 200, description: 'A page of attempts.', schema: webhookAttemptObject, list: true },
  },
];
