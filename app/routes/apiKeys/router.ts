import Router from '@koa/router';
import type { Deps } from '../../container';
import { idParam, pageQuery } from '../../http/schemas';
import { serializeApiKey } from '../../http/serializers';
import { serializeKeyClient } from '../../http/usageSerializers';
import { validate } from '../../http/validation';
import { ApiError } from '../../errors';
import { createApiKeyBody, updateApiKeyBody } from './schemas';

/**
 * API keys of the organization in ctx.state.organization. Mounted under /v1/api_keys (API key)
 * and /organizations/:orgId/api_keys (access token, members only).
 */
export function apiKeysRouter({ apiKeys, lastUsed, usage }: Pick<Deps, 'apiKeys' | 'lastUsed' | 'usage'>): Router {
  const router = new Router();
  const show = (key: Parameters<typeof serializeApiKey>[0]) => serializeApiKey(key, lastUsed.pendingFor(key.id));
  const keyId = (raw: string | undefined) => {
    if (!idParam.safeParse(raw).success) throw new ApiError('not_found', 'No API key with this id.');
    return raw as string;
  };

  router.get('/', async (ctx) => {
    const page = validate(pageQuery, ctx.query);
    ctx.body = (await apiKeys.list(ctx.state.organization!.id, page)).map(show);
  });

  router.post('/', async (ctx) => {
    const body = validate(createApiKeyBody, ctx.request.body);
    const { key, secret } = await apiKeys.create(ctx.state.organization!.id, body);
    await apiKeys.prime(key);
    ctx.status = 201;
    ctx.body = { ...show(key), key: secret };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = show(await apiKeys.get(ctx.state.organization!.id, keyId(ctx.params.id)));
  });

  router.patch('/:id', async (ctx) => {
    const id = keyId(ctx.params.id);
    const body = validate(updateApiKeyBody, ctx.request.body);
    ctx.body = show(await apiKeys.update(ctx.state.organization!.id, id, body));
  });

  router.delete('/:id', async (ctx) => {
    ctx.body = show(await apiKeys.delete(ctx.state.organization!.id, keyId(ctx.params.id)));
  });

  // Where the key is used from (docs/usage.md). Scope: `usage:read` (issue 15 adds the check here).
  router.get('/:id/clients', async (ctx) => {
    ctx.body = (await usage.clients(ctx.state.organization!.id, keyId(ctx.params.id))).map(serializeKeyClient);
  });

  return router;
}
