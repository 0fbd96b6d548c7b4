import type { Context, Middleware, Next } from 'koa';
import { Stream } from 'node:stream';
import { isIdempotencyKey, isKeptStatus, keptBody, type StoredAnswer } from '../domain/idempotency';
import { ApiError } from '../errors';
import { setHeader } from '../http/setHeader';
import type { IdempotencyService } from '../services/idempotency';
import type { IdempotencyReservation } from '../services/idempotencyReservation';
import { errorEnvelope, toApiError } from './errorRenderer';

const HEADER = 'idempotency-key';
const INVALID = 'must be 1 to 255 printable ASCII characters, sent once';

/**
 * `Idempotency-Key` on POSTs (docs/api.md, "Idempotent requests"), after the organization is
 * known and the request budget charged, before the routers. Every other method, and a POST
 * without the header, passes straight on: the step costs them one comparison.
 */
export function idempotentPosts(service: IdempotencyService): Middleware {
  return function idempotentPostsMiddleware(ctx, next) {
    if (ctx.method !== 'POST') return next();
    const sent = ctx.req.headersDistinct[HEADER];
    if (sent === undefined) return next();
    if (sent.length !== 1 || !isIdempotencyKey(sent[0]!)) {
      throw new ApiError('validation_failed', `The Idempotency-Key header ${INVALID}.`, [{ path: 'headers.Idempotency-Key', message: INVALID }]);
    }
    return runOnce(ctx, next, service, sent[0]!);
  };
}

async function runOnce(ctx: Context, next: Next, service: IdempotencyService, key: string): Promise<void> {
  // Fails closed: when the database does not answer, the claim throws (503) and nothing runs,
  // since a request that ran without its row could not be told from its retry.
  const claim = await service.claim({ organizationId: ctx.state.organization!.id, key, method: ctx.method, url: ctx.originalUrl, body: ctx.request.body });
  if (claim.kind === 'reused') throw new ApiError('idempotency_key_reused');
  if (claim.kind === 'in_progress') throw new ApiError('idempotency_in_progress', undefined, undefined, { 'Retry-After': '1' });
  if (claim.kind === 'replay') {
    ctx.state.replayed = true;
    ctx.status = claim.answer.status;
    setHeader(ctx, 'Idempotent-Replayed', 'true');
    // The kept bytes as they are (every kept answer is JSON).
    setHeader(ctx, 'Content-Type', 'application/json; charset=utf-8');
    ctx.response.body = claim.answer.body;
    return;
  }
  await settle(ctx, next, claim.reservation);
}

/** Runs the request; keeps its answer when it is final, else gives the key back. */
async function settle(ctx: Context, next: Next, reservation: IdempotencyReservation): Promise<void> {
  try {
    await next();
  } catch (err) {
    // The renderer turns `err` into this same answer once it reaches it.
    const apiError = toApiError(err);
    const answer = isKeptStatus(apiError.status) ? { status: apiError.status, body: JSON.stringify(errorEnvelope(apiError, ctx.state.requestId)) } : null;
    await (answer ? reservation.complete(answer) : reservation.release());
    throw err;
  }
  const answer = answerOf(ctx);
  await (answer ? reservation.complete(answer) : reservation.release());
}

/** The answer as the client gets it (less one-time secrets), if it is JSON and final; null otherwise. */
function answerOf(ctx: Context): StoredAnswer | null {
  const body: unknown = ctx.body;
  // No body: no route matched, and the renderer answers 404 after this step.
  if (body === undefined || body === null || Buffer.isBuffer(body) || body instanceof Stream || !isKeptStatus(ctx.status)) return null;
  if (typeof body !== 'string') return { status: ctx.status, body: keptBody(body) };
  if (!ctx.response.is('json')) return null;
  try {
    return { status: ctx.status, body: keptBody(JSON.parse(body)) };
  } catch {
    return null;
  }
}
