import Router from '@koa/router';
import type { Deps } from '../../container';
import { serializeThread } from '../../http/emailSerializers';
import { pathId } from '../../http/params';
import { requireScope } from '../../http/requireScope';
import { pageQuery } from '../../http/schemas';
import { validate } from '../../http/validation';

/** /inboxes/:inboxId/threads: lists carry message ids, one thread carries its messages in full. */
export function threadsRouter({ threads }: Pick<Deps, 'threads'>): Router {
  const router = new Router();
  const inboxIdOf = (raw: string | undefined) => pathId(raw, 'No inbox with this id.');

  router.get('/', requireScope('messages:read'), async (ctx) => {
    const page = validate(pageQuery, ctx.query);
    const found = await threads.list(ctx.state.organization!.id, inboxIdOf(ctx.params.inboxId), page);
    ctx.body = found.map(({ thread, messageIds }) => serializeThread(thread, messageIds));
  });

  router.get('/:threadId', requireScope('messages:read'), async (ctx) => {
    const inboxId = inboxIdOf(ctx.params.inboxId);
    const threadId = pathId(ctx.params.threadId, 'No thread with this id in this inbox.');
    const { thread, messages } = await threads.get(ctx.state.organization!.id, inboxId, threadId);
    ctx.body = serializeThread(thread, messages);
  });

  return router;
}
