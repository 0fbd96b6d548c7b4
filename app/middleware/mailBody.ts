import type { Context, Middleware } from 'koa';
import { jsonBody } from './jsonBody';

// Send and reply carry base64 attachments, so they get their own, larger body limit
// (MESSAGE_BODY_LIMIT). Runs after authentication and the rate limit (under /v1 with a key, under
// /organizations/:orgId with a member's token), so only a client with working credentials can
// make the server read that much; the generic jsonBody then finds the body parsed.
const MAIL_POST = /\/inboxes\/[^/]+\/messages\/(?:send|[^/]+\/reply)\/?$/;

/** Send or reply: the requests whose body is read by mailBody, never before authentication. */
export const isMailPost = (ctx: Context): boolean => ctx.method === 'POST' && MAIL_POST.test(ctx.path);

export function mailBody(limit: string): Middleware {
  const parse = jsonBody(limit);
  return function mailBodyMiddleware(ctx, next) {
    return isMailPost(ctx) ? parse(ctx, next) : next();
  };
}

/** `jsonBody` for everything but send and reply, which mailBody reads after authentication. */
export function jsonBodyExceptMail(limit: string): Middleware {
  const parse = jsonBody(limit);
  return function jsonBodyExceptMailMiddleware(ctx, next) {
    return isMailPost(ctx) ? next() : parse(ctx, next);
  };
}
