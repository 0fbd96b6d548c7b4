import Router from '@koa/router';
import type { Deps } from '../../container';
import { serializeWebhook, serializeWebhookAttempt } from '../../http/emailSerializers';
import { requireAllInboxes } from '../../http/inboxRestriction';
import { pathId } from '../../http/params';
import { requireScope } from '../../http/requireScope';
import { pageQuery } from '../../http/schemas';
import { validate } from '../../http/validation';
import { createWebhookBody } from './schemas';

/**
 * Webhooks of the organization in ctx.state.organization. Mounted under /v1/webhooks (API key)
 * and /organizations/:orgId/webhooks (access token).
 */
export function webhooksRouter({ webhooks, webhookTargets }: Pick<Deps, 'webhooks' | 'webhookTargets'>): Router {
  const router = new Router();
  const createBody = createWebhookBody(webhookTargets);
  const webhookId = (raw: string | undefined) => pathId(raw, 'No webhook with this id.');

  router.get('/', requireScope('webhooks:read'), async (ctx) => {
    const page = validate(pageQuery, ctx.query);
    ctx.body = (await webhooks.list(ctx.state.organization!.id, page)).map(serializeWebhook);
  });

  router.post('/', requireScope('webhooks:write'), async (ctx) => {
    // A webhook hears every inbox's events: not for a key that may see only some.
    requireAllInboxes(ctx, 'create webhooks (they receive every inbox\'s events)');
    const body = validate(createBody, ctx.request.body);
    const { webhook, secret } = await webhooks.create(ctx.state.organization!.id, body);
    ctx.status = 201;
    // The only time the secret is shown: receivers need it to check Sendook-Signature.
    ctx.body = { ...serializeWebhook(webhook), secret };
  });

  router.get('/:id', requireScope('webhooks:read'), async (ctx) => {
    ctx.body = serializeWebhook(await webhooks.get(ctx.state.organization!.id, webhookId(ctx.params.id)));
  });

  router.delete('/:id', requireScope('webhooks:write'), async (ctx) => {
    ctx.body = serializeWebhook(await webhooks.delete(ctx.state.organization!.id, webhookId(ctx.params.id)));
  });

  router.post('/:id/test', requireScope('webhooks:write'), async (ctx) => {
    const eventId = await webhooks.test(ctx.state.organization!.id, webhookId(ctx.params.id));
    ctx.body = { success: true, eventId };
  });

  router.get('/:id/attempts', requireScope('webhooks:read'), async (ctx) => {
    const id = webhookId(ctx.params.id);
    const page = validate(pageQuery, ctx.query);
    ctx.body = (await webhooks.attempts(ctx.state.organization!.id, id, page)).map(serializeWebhookAttempt);
  });

  return router;
}
