import Router from '@koa/router';
import type { Deps } from '../../container';
import { serializeInbox } from '../../http/emailSerializers';
import { pathId } from '../../http/params';
import { requireAllInboxes, restrictToKeyInboxes, visibleInboxes } from '../../http/inboxRestriction';
import { requireScope } from '../../http/requireScope';
import { pageQuery } from '../../http/schemas';
import { validate } from '../../http/validation';
import { messagesRouter } from '../messages/router';
import { threadsRouter } from '../threads/router';
import { createInboxBody, updateInboxBody } from './schemas';

type InboxDeps = Pick<Deps, 'inboxes' | 'messages' | 'threads' | 'sendBuckets' | 'organizations' | 'config'>;

/**
 * Inboxes of the organization in ctx.state.organization, with their messages and threads below
 * them. Mounted under /v1/inboxes (API key) and /organizations/:orgId/inboxes (access token).
 */
export function inboxesRouter(deps: InboxDeps): Router {
  const { inboxes } = deps;
  const router = new Router();
  const inboxId = (raw: string | undefined) => pathId(raw, 'No inbox with this id.');
  // Before every route below an inbox, nested routers included.
  router.use('/:inboxId', restrictToKeyInboxes());

  router.get('/', requireScope('inboxes:read'), async (ctx) => {
    const page = validate(pageQuery, ctx.query);
    ctx.body = (await inboxes.list(ctx.state.organization!.id, page, visibleInboxes(ctx))).map(serializeInbox);
  });

  router.post('/', requireScope('inboxes:write'), async (ctx) => {
    requireAllInboxes(ctx, 'create inboxes (it could not see them)');
    const body = validate(createInboxBody, ctx.request.body);
    const inbox = await inboxes.create(ctx.state.organization!.id, { name: body.name ?? null, email: body.email ?? undefined });
    ctx.status = 201;
    ctx.body = serializeInbox(inbox);
  });

  router.get('/:inboxId', requireScope('inboxes:read'), async (ctx) => {
    ctx.body = serializeInbox(await inboxes.get(ctx.state.organization!.id, inboxId(ctx.params.inboxId)));
  });

  router.patch('/:inboxId', requireScope('inboxes:write'), async (ctx) => {
    const id = inboxId(ctx.params.inboxId);
    const body = validate(updateInboxBody, ctx.request.body);
    ctx.body = serializeInbox(await inboxes.rename(ctx.state.organization!.id, id, body.name));
  });

  router.delete('/:inboxId', requireScope('inboxes:write'), async (ctx) => {
    ctx.body = serializeInbox(await inboxes.delete(ctx.state.organization!.id, inboxId(ctx.params.inboxId)));
  });

  router.use('/:inboxId/messages', messagesRouter(deps).routes());
  router.use('/:inboxId/threads', threadsRouter(deps).routes());
  return router;
}
