import Router from '@koa/router';
import type { Deps } from '../../container';
import { ApiError } from '../../errors';
import { serializeMessage } from '../../http/emailSerializers';
import { pathId } from '../../http/params';
import { requireScope } from '../../http/requireScope';
import { chargeSendBudget } from '../../http/sendBudget';
import { validate } from '../../http/validation';
import { checkAttachmentsSize, messageListQuery, replyBody, sendMessageBody } from './schemas';

/**
 * /inboxes/:inboxId/messages. Send and reply run in this order: path ids, body, the inbox (and
 * original message) in the database, whether its domain may send and with which key, then the
 * send budget, and only then is anything stored or sent. Every refusal before the last step
 * leaves no trace and costs no budget.
 */
export function messagesRouter({ messages, sendBuckets, organizations, config }: Pick<Deps, 'messages' | 'sendBuckets' | 'organizations' | 'config'>): Router {
  const router = new Router();
  const sendBody = sendMessageBody();
  const ids = (params: Record<string, string | undefined>) => ({
    inboxId: pathId(params.inboxId, 'No inbox with this id.'),
    messageId: params.messageId === undefined ? '' : pathId(params.messageId, 'No message with this id in this inbox.'),
  });

  router.post('/send', requireScope('messages:send'), async (ctx) => {
    const { inboxId } = ids(ctx.params);
    const body = checkAttachmentsSize(validate(sendBody, ctx.request.body), config.mail.attachmentsMaxBytes);
    const draft = await messages.draftNew(ctx.state.organization!.id, inboxId, body);
    await chargeSendBudget(ctx, sendBuckets, organizations);
    const sent = await messages.dispatch(draft);
    ctx.status = 201;
    ctx.body = serializeMessage(sent);
  });

  router.post('/:messageId/reply', requireScope('messages:send'), async (ctx) => {
    const { inboxId, messageId } = ids(ctx.params);
    const body = validate(replyBody, ctx.request.body);
    const draft = await messages.draftReply(ctx.state.organization!.id, inboxId, messageId, body);
    await chargeSendBudget(ctx, sendBuckets, organizations);
    const sent = await messages.dispatch(draft);
    ctx.status = 201;
    ctx.body = serializeMessage(sent);
  });

  router.get('/', requireScope('messages:read'), async (ctx) => {
    const { inboxId } = ids(ctx.params);
    const { query, direction, ...page } = validate(messageListQuery, ctx.query);
    ctx.body = (await messages.list(ctx.state.organization!.id, inboxId, page, { query: query || undefined, direction })).map(serializeMessage);
  });

  router.get('/:messageId', requireScope('messages:read'), async (ctx) => {
    const { inboxId, messageId } = ids(ctx.params);
    ctx.body = serializeMessage(await messages.get(ctx.state.organization!.id, inboxId, messageId));
  });

  // The one success that is not JSON: the attachment's bytes. Always a download, never rendered:
  // an HTML attachment from a stranger must not run on the API's (and dashboard's) origin.
  router.get('/:messageId/attachments/:index', requireScope('messages:read'), async (ctx) => {
    const { inboxId, messageId } = ids(ctx.params);
    const index = /^(0|[1-9]\d{0,3})$/.test(ctx.params.index ?? '') ? Number(ctx.params.index) : -1;
    if (index < 0) throw new ApiError('not_found', 'No attachment content at this index of this message.');
    const attachment = await messages.attachment(ctx.state.organization!.id, inboxId, messageId, index);
    ctx.set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.type = attachment.contentType;
    ctx.body = attachment.content;
  });

  return router;
}
