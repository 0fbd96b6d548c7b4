import type { Middleware } from 'koa';
import { jsonBody } from './jsonBody';

// Send and reply carry base64 attachments, so they get their own, larger body limit
// (MESSAGE_BODY_LIMIT). Runs after authentication and the rate limit, so only a client with a
// working key can make the server read that much; the generic jsonBody then finds the body parsed.
const MAIL_POST = /\/inboxes\/[^/]+\/messages\/(?:send|[^/]+\/reply)\/?$/;

export function mailBody(limit: string): Middleware {
  const parse = jsonBody(limit);
  return function mailBodyMiddleware(ctx, next) {
    return ctx.method === 'POST' && MAIL_POST.test(ctx.path) ? parse(ctx, next) : next();
  };
}
