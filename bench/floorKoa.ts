import { hash } from 'node:crypto';
import Router from '@koa/router';
import Koa from 'koa';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { Counters } from '../app/infra/counters';
import { loadConfig } from '../config';
import { CountingRedis, createRedis } from '../app/infra/redis';
import { recordedResponses, RECORDED_PATHS, serveReference } from './referenceServer';

/**
 * The floor: bare Koa (with its router, as the reference) plus only the work no implementation of
 * the contract can skip, as issue 12 defines it: one SHA-256 of the bearer secret, an in-process
 * lookup, and one RateLimiterRedis consume. FLOOR_CLIENT=plain (the `floor` scenario) makes that
 * consume on a plain ioredis client, default options: what the work costs. FLOOR_CLIENT=api (the
 * `floor-api-client` scenario) uses the API's own createRedis (no offline queue, the 100 ms
 * deadline): what our client choices add. No key format check, no headers, no errors, no request
 * id. Its ratio to bare Koa is the most the exact design could reach on this machine in this run;
 * the bench reports the API against it too. Not a server anyone should run: every bearer is "valid".
 */
const responseFor = recordedResponses();

// The API's own configuration (REDIS_URL, REDIS_PREFIX, REDIS_COMMAND_TIMEOUT_MS and defaults).
const config = loadConfig();
const counters = new Counters();
const redis = process.env.FLOOR_CLIENT === 'api' ? createRedis(config.redis!.url, config.redis!.commandTimeoutMs, counters) : plainClient(config.redis!.url);

const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}rl:floor`, points: 1e9, duration: 60 });
const known = new Map<string, { organizationId: string }>();

function plainClient(url: string): CountingRedis {
  // Counting only (one increment per command), for the bench's per-request counts.
  const client = new CountingRedis(url, { lazyConnect: true });
  client.counters = counters;
  return client;
}

const app = new Koa();
const router = new Router();
for (const path of RECORDED_PATHS) {
  const body = responseFor(path);
  router.get(path, async function floorResponse(ctx) {
    const digest = hash('sha256', ctx.get('authorization'), 'hex');
    let entry = known.get(digest);
    if (!entry) known.set(digest, (entry = { organizationId: 'floor' }));
    await limiter.consume(entry.organizationId);
    ctx.body = body;
  });
}
app.use(router.routes());
app.use(router.allowedMethods());

// The bench reads per-process counts over IPC, as from the API's counters probe.
process.on('message', (message) => {
  if (message === 'bench:counters') process.send?.({ type: 'bench:counters', counters: counters.snapshot(), instances: 1 });
});

void redis.connect().then(() => serveReference(app, () => redis.quit()));
