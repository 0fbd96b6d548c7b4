import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Koa from 'koa';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { Counters } from '../app/infra/counters';
import { createRedis } from '../app/infra/redis';

/**
 * The floor: bare Koa plus only the work no implementation of the contract can skip, as the issue
 * that set the throughput target defines it: one SHA-256 of the bearer secret, an in-process
 * lookup, and one RateLimiterRedis consume on the same Redis client settings as the API (same
 * module, same options). No key format check, no headers, no errors, no request id, no router.
 * Its ratio to bare Koa is the most the API could reach on this machine in this run; the bench
 * reports the API against it too. Not a server anyone should run: every bearer is "valid".
 */
const responses = JSON.parse(readFileSync(process.env.BARE_RESPONSES!, 'utf8')) as Record<string, unknown>;
const fallback = responses['/v1/health'];

const counters = new Counters();
const redis = createRedis(process.env.REDIS_URL!, Number(process.env.REDIS_COMMAND_TIMEOUT_MS ?? 100), counters);
const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${process.env.REDIS_PREFIX}rl:floor`, points: 1e9, duration: 60 });
const known = new Map<string, { organizationId: string }>();

const app = new Koa();
app.use(async function floorResponse(ctx) {
  const digest = hash('sha256', ctx.get('authorization'), 'hex');
  let entry = known.get(digest);
  if (!entry) known.set(digest, (entry = { organizationId: 'floor' }));
  await limiter.consume(entry.organizationId);
  ctx.body = responses[ctx.path] ?? fallback;
});

// The bench reads per-process counts over IPC, as from the API's counters probe.
process.on('message', (message) => {
  if (message === 'bench:counters') process.send?.({ type: 'bench:counters', counters: counters.snapshot(), instances: 1 });
});

void redis.connect().then(() => {
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000; // as app/server.ts
  server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void redis.quit().finally(() => process.exit(0)));
  });
});
