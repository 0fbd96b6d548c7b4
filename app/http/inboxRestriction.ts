import type { Context, Middleware } from 'koa';
import { holdsInbox, inboxFilter } from '../domain/scopes';
import { ApiError } from '../errors';

/**
 * A key restricted by `inboxIds` sees only those inboxes: any other answers 404, exactly as an
 * absent one (docs/keys.md#inbox-restrictions), on the inbox itself and on everything below it.
 * Access tokens carry no key and pass.
 */
export function restrictToKeyInboxes(): Middleware {
  return function restrictToKeyInboxesMiddleware(ctx, next) {
    const key = ctx.state.apiKey;
    const inboxId = (ctx as Context & { params: { inboxId?: string } }).params.inboxId;
    if (key !== undefined && inboxId !== undefined && !holdsInbox(key, inboxId)) throw new ApiError('not_found', 'No inbox with this id.');
    return next();
  };
}

/** The inboxes a list may show to this request: null for all of the organization's. */
export function visibleInboxes(ctx: Context): readonly string[] | null {
  return inboxFilter(ctx.state.apiKey);
}

/**
 * Organization-wide writes (a new inbox, a webhook that hears every inbox) would reach beyond a
 * key restricted to some inboxes: 403 insufficient_scope, `details.required` "inboxIds" (a key
 * without an inbox restriction is needed).
 */
export function requireAllInboxes(ctx: Context, what: string): void {
  if (visibleInboxes(ctx) !== null) throw new ApiError('insufficient_scope', `A key restricted to some inboxes cannot ${what}.`, { required: 'inboxIds' });
}
