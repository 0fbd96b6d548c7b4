import Router from '@koa/router';
import type { Context } from 'koa';
import type { Deps } from '../../container';
import { idParam, pageQuery } from '../../http/schemas';
import { requireScope } from '../../http/requireScope';
import { serializeApiKey } from '../../http/serializers';
import { serializeKeyClient } from '../../http/usageSerializers';
import { validate } from '../../http/validation';
import { ApiError } from '../../errors';
import { createApiKeyBody, rollApiKeyBody, updateApiKeyBody } from './schemas';

/**
 * API keys of the organization in ctx.state.organization. Mounted under /v1/api_keys (API key)
 * and /organizations/:orgId/api_keys (access token, members only). On /v1 the requesting key is
 * the grantor: it cannot create, patch or roll a key into more than it holds; a token can.
 */
export function apiKeysRouter({ apiKeys, lastUsed, inboxes, usage }: Pick<Deps, 'apiKeys' | 'lastUsed' | 'inboxes' | 'usage'>): Router {
  const router = new Router();
  const show = (key: Parameters<typeof serializeApiKey>[0]) => serializeApiKey(key, lastUsed.pendingFor(key.id));
  const keyId = (raw: string | undefined) => {
    if (!idParam.safeParse(raw).success) throw new ApiError('not_found', 'No API key with this id.');
    return raw as string;
  };
  const grantor = (ctx: Context) => ctx.state.apiKey ?? null;
  // A restriction to an inbox that is not the organization's would silently show nothing: say so.
  const checkInboxes = async (ctx: Context, ids: readonly string[] | null | undefined) => {
    const missing = [];
    for (const [i, id] of (ids ?? []).entries()) {
      if (!(await inboxes.exists(ctx.state.organization!.id, id))) missing.push({ path: `inboxIds.${i}`, message: 'is not an inbox of this organization' });
    }
    if (missing.length) throw new ApiError('validation_failed', undefined, missing);
  };

  router.get('/', requireScope('api_keys:read'), async (ctx) => {
    const page = validate(pageQuery, ctx.query);
    ctx.body = (await apiKeys.list(ctx.state.organization!.id, page)).map(show);
  });

  router.post('/', requireScope('api_keys:write'), async (ctx) => {
    const body = validate(createApiKeyBody, ctx.request.body);
    await checkInboxes(ctx, body.inboxIds);
    const { key, secret } = await apiKeys.create(ctx.state.organization!.id, body, undefined, grantor(ctx));
    await apiKeys.prime(key);
    ctx.status = 201;
    ctx.body = { ...show(key), key: secret };
  });

  router.get('/:id', requireScope('api_keys:read'), async (ctx) => {
    ctx.body = show(await apiKeys.get(ctx.state.organization!.id, keyId(ctx.params.id)));
  });

  router.patch('/:id', requireScope('api_keys:write'), async (ctx) => {
    const id = keyId(ctx.params.id);
    const body = validate(updateApiKeyBody, ctx.request.body);
    await checkInboxes(ctx, body.inboxIds);
    ctx.body = show(await apiKeys.update(ctx.state.organization!.id, id, body, grantor(ctx)));
  });

  router.delete('/:id', requireScope('api_keys:write'), async (ctx) => {
    ctx.body = show(await apiKeys.delete(ctx.state.organization!.id, keyId(ctx.params.id)));
  });

  router.post('/:id/roll', requireScope('api_keys:write'), async (ctx) => {
    const id = keyId(ctx.params.id);
    const { graceSeconds } = validate(rollApiKeyBody, ctx.request.body);
    const { key, secret } = await apiKeys.roll(ctx.state.organization!.id, id, graceSeconds, grantor(ctx));
    ctx.status = 201;
    ctx.body = { ...show(key), key: secret };
  });

  // Where the key is used from (docs/usage.md): monitoring data, so `usage:read`.
  router.get('/:id/clients', requireScope('usage:read'), async (ctx) => {
    ctx.body = (await usage.clients(ctx.state.organization!.id, keyId(ctx.params.id))).map(serializeKeyClient);
  });

  return router;
}
