import { hash } from 'node:crypto';
import Koa from 'koa';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { Counters } from '../app/infra/counters';
import { loadConfig } from '../config';
import { createRedis } from '../app/infra/redis';
import { recordedResponses, serveReference } from './referenceServer';

/**
 * The floor: bare Koa plus only the work no implementation of the contract can skip, as the issue
 * that set the throughput target defines it: one SHA-256 of the bearer secret, an in-process
 * lookup, and one RateLimiterRedis consume on the same Redis client settings as the API (same
 * module, same options). No key format check, no headers, no errors, no request id, no router.
 * Its ratio to bare Koa is the most the API could reach on this machine in this run; the bench
 * reports the API against it too. Not a server anyone should run: every bearer is "valid".
 */
const responseFor = recordedResponses();

// The API's own configuration (REDIS_URL, REDIS_PREFIX, REDIS_COMMAND_TIMEOUT_MS and defaults).
const config = loadConfig();
const counters = new Counters();
const redis = createRedis(config.redis!.url, config.redis!.commandTimeoutMs, counters);
const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${config.redisPrefix}rl:floor`, points: 1e9, duration: 60 });
const known = new Map<string, { organizationId: string }>();

const app = new Koa();
app.use(async function floorResponse(ctx) {
  const digest = hash('sha256', ctx.get('authorization'), 'hex');
  let entry = known.get(digest);
  if (!entry) known.set(digest, (entry = { organizationId: 'floor' }));
  await limiter.consume(entry.organizationId);
  ctx.body = responseFor(ctx.path);
});

// The bench reads per-process counts over IPC, as from the API's counters probe.
process.on('message', (message) => {
  if (message === 'bench:counters') process.send?.({ type: 'bench:counters', counters: counters.snapshot(), instances: 1 });
});

void redis.connect().then(() => serveReference(app, () => redis.quit()));
