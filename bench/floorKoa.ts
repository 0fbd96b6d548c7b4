import { hash } from 'node:crypto';
import Router from '@koa/router';
import Koa from 'koa';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { Counters } from '../app/infra/counters';
import { endOfReadTurn } from '../app/middleware/endOfReadTurn';
import { loadConfig } from '../config';
import { CountingRedis, createRedis } from '../app/infra/redis';
import { recordedResponses, RECORDED_PATHS, serveReference } from './referenceServer';

/**
 * The floors: bare Koa (with its router, as the reference) plus only the work no implementation of
 * a rate-limit mode can skip. The exact floor: one SHA-256 of the bearer secret, an in-process
 * lookup, and one RateLimiterRedis consume. FLOOR_CLIENT=plain (the `floor` scenario) makes that
 * consume on a plain ioredis client, default options: what the work costs. FLOOR_CLIENT=api (the
 * `floor-api-client` scenario) uses the API's own createRedis (no offline queue, the 100 ms
 * deadline): what our client choices add. No key format check, no headers, no errors, no request
 * id. Its ratio to bare Koa is the most the exact design could reach on this machine in this run;
 * the bench reports the API against it too.
 *
 * FLOOR_CLIENT=lease (the `lease-floor` scenario) is lease mode's floor: the SHA-256 and the
 * lookup, then a point from an in-process counter instead of Redis, and the five headers the
 * API puts on every such answer (X-Request-Id and the four RateLimit-* ones). It makes no
 * Redis command at all, so it is a little below what a lease can reach (a reservation every few
 * thousand requests).
 *
 * Both answer at the end of the event-loop turn, as the API does (app/middleware/endOfReadTurn.ts):
 * a floor is the least work under the API's scheduling, not a faster scheduling.
 *
 * Not servers anyone should run: every bearer is "valid".
 */
const responseFor = recordedResponses();

// The API's own configuration (REDIS_URL, REDIS_PREFIX, REDIS_COMMAND_TIMEOUT_MS and defaults).
const config = loadConfig();
const counters = new Counters();
const lease = process.env.FLOOR_CLIENT === 'lease';
const redis = process.env.FLOOR_CLIENT === 'api' ? createRedis(config.redis!.url, config.redis!.commandTimeoutMs, counters) : plainClient(config.redis!.url);

const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}rl:floor`, points: 1e9, duration: 60 });
const known = new Map<string, { organizationId: string; consumed: number }>();
const LEASE_POINTS = 1e9;
const LEASE_WINDOW_MS = 60_000;
let windowEndsAt = Date.now() + LEASE_WINDOW_MS;
let requestCount = 0;

/** Lease mode's unavoidable work after the lookup: a point from a counter, and the headers. */
function leasePoint(ctx: Koa.Context, entry: { consumed: number }): void {
  const now = Date.now();
  if (now >= windowEndsAt) {
    windowEndsAt = now + LEASE_WINDOW_MS;
    for (const e of known.values()) e.consumed = 0;
  }
  entry.consumed++;
  ctx.set('X-Request-Id', `floor-${requestCount++}`);
  ctx.set('RateLimit-Limit', String(LEASE_POINTS));
  ctx.set('RateLimit-Remaining', String(LEASE_POINTS - entry.consumed));
  ctx.set('RateLimit-Reset', String(Math.ceil((windowEndsAt - now) / 1000)));
  ctx.set('RateLimit-Policy', `${LEASE_POINTS};w=${LEASE_WINDOW_MS / 1000}`);
}

function plainClient(url: string): CountingRedis {
  // Counting only (one increment per command), for the bench's per-request counts.
  const client = new CountingRedis(url, { lazyConnect: true });
  client.counters = counters;
  return client;
}

const app = new Koa();
app.use(endOfReadTurn());
const router = new Router();
for (const path of RECORDED_PATHS) {
  const body = responseFor(path);
  // Not async: the lease floor has nothing to wait for.
  router.get(path, function floorResponse(ctx) {
    const digest = hash('sha256', ctx.get('authorization'), 'hex');
    let entry = known.get(digest);
    if (!entry) known.set(digest, (entry = { organizationId: 'floor', consumed: 0 }));
    if (lease) {
      leasePoint(ctx, entry);
      ctx.body = body;
      return;
    }
    return limiter.consume(entry.organizationId).then(() => {
      ctx.body = body;
    });
  });
}
app.use(router.routes());
app.use(router.allowedMethods());

// The bench reads per-process counts over IPC, as from the API's counters probe.
process.on('message', (message) => {
  if (message === 'bench:counters') process.send?.({ type: 'bench:counters', counters: counters.snapshot(), instances: 1 });
});

if (lease) serveReference(app);
else void redis.connect().then(() => serveReference(app, () => redis.quit()));
