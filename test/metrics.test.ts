import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import pino from 'pino';
import { API_KEY_PREFIX, generateSecret } from '../app/lib/credentials';
import { createMetricsServer } from '../app/metrics/server';
import { freePort, startServerProcess } from './helpers/process';
import { parsePrometheus, scrapeDelta, valueOf } from './helpers/prometheus';
import { REDIS_URL } from './helpers/services';
import { register, TestWorld, type TestApp } from './helpers/testApp';
import { until } from './helpers/until';

/** The local addresses that listen on a TCP port, from the kernel's table (Linux). */
function listeningAddresses(port: number): string[] {
  const LISTEN = '0A';
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === LISTEN && parseInt(f[1]!.split(':')[1]!, 16) === port)
    .map((f) => {
      const hex = f[1]!.split(':')[0]!;
      // Little-endian: 0100007F is 127.0.0.1.
      return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
    });
}

let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

/** An instance with metrics on, and its /metrics listener on a port of its own. */
async function withMetrics(t: ExecutionContext): Promise<{ app: TestApp; metricsUrl: string }> {
  // Long in-process TTLs: the tier counts must not depend on how fast a loaded machine runs.
  // A lease time longer than any test: lease-mode reservations then follow the growth rule alone
  // (1, 4, 16, ... points), never a return timed by the machine's speed.
  const app = await world.start({ METRICS_PORT: '0', KEY_CACHE_TTL_MS: '120000', NEGATIVE_CACHE_TTL_MS: '120000', RATE_LIMIT_LEASE_MS: '600000' });
  const server = createMetricsServer(app.deps.metrics!, pino({ level: 'silent' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { app, metricsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics` };
}

test('without METRICS_PORT there is no registry and no per-request metrics middleware', async (t) => {
  const app = await world.start();
  t.is(app.deps.metrics, null);
  t.is((await app.get('/metrics')).status, 404);
});

test('requests, latency, key lookups, limiter decisions and failed auth move by exactly the traffic sent', async (t) => {
  const { app, metricsUrl } = await withMetrics(t);
  const account = await register(app);
  await app.get('/v1/health', { auth: account.key }); // warm: the key is now in process
  const unknown = generateSecret(API_KEY_PREFIX);

  const moved = await scrapeDelta(metricsUrl, async () => {
    for (let i = 0; i < 5; i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
    for (let i = 0; i < 2; i++) t.is((await app.get('/v1/health', { auth: unknown })).status, 401);
    t.is((await app.get('/v1/api_keys/0123456789abcdef01234567', { auth: account.key })).status, 404);
    t.is((await app.get('/no/such/route')).status, 404);
  });

  t.is(moved('sendook_http_requests_total', { method: 'GET', route: '/v1/health', status: '200' }), 5);
  // Refused before routing, yet named by the route they asked for.
  t.is(moved('sendook_http_requests_total', { method: 'GET', route: '/v1/health', status: '401' }), 2);
  t.is(moved('sendook_http_requests_total', { method: 'GET', route: '/v1/api_keys/:id', status: '404' }), 1);
  t.is(moved('sendook_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 1);
  t.is(moved('sendook_http_request_duration_seconds_count', { method: 'GET', route: '/v1/health' }), 7);
  t.is(moved('sendook_http_request_duration_seconds_bucket', { method: 'GET', route: '/v1/health', le: '+Inf' }), 7);
  t.true(moved('sendook_http_request_duration_seconds_sum', { method: 'GET', route: '/v1/health' }) > 0);

  t.is(moved('sendook_key_lookups_total', { tier: 'memory', outcome: 'hit' }), 6);
  t.is(moved('sendook_key_lookups_total', { tier: 'database', outcome: 'miss' }), 1, 'the unknown key, once');
  t.is(moved('sendook_key_lookups_total', { tier: 'memory', outcome: 'negative_hit' }), 1, 'then its cached miss');
  t.is(moved('sendook_key_lookups_total', { tier: 'database', outcome: 'hit' }), 0);
  t.is(moved('sendook_rate_limit_decisions_total', { bucket: 'org', decision: 'allowed', degraded: 'false' }), 6);
  t.is(moved('sendook_rate_limit_decisions_total', { bucket: 'org', decision: 'limited', degraded: 'false' }), 0);
  t.is(moved('sendook_auth_failures_total'), 2);
  t.is(moved('sendook_rate_limit_decisions_total', { bucket: 'authfail', decision: 'allowed', degraded: 'false' }), 2);
  // Exact mode: one command per org decision. Lease mode: after the warm request's reservation of
  // 1 point, reservations of 4 and 16 serve the 6 decisions.
  const orgCommands = app.deps.config.rateLimitMode === 'exact' ? 6 : 2;
  t.is(moved('sendook_redis_commands_total'), orgCommands + 2 + 2, `${orgCommands} org bucket commands, 2 failed-auth buckets, the unknown key read and cached`);
  t.is(moved('sendook_mysql_queries_total'), 2, 'the unknown key, and the api_keys read that answered 404');
});

test('over budget: limited decisions and 429s are counted', async (t) => {
  const { app, metricsUrl } = await withMetrics(t);
  const account = await register(app);
  t.is((await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 3 } })).status, 200);
  const moved = await scrapeDelta(metricsUrl, async () => {
    for (let i = 0; i < 5; i++) await app.get('/v1/health', { auth: account.key });
  });
  t.is(moved('sendook_rate_limit_decisions_total', { bucket: 'org', decision: 'allowed', degraded: 'false' }), 3);
  t.is(moved('sendook_rate_limit_decisions_total', { bucket: 'org', decision: 'limited', degraded: 'false' }), 2);
  t.is(moved('sendook_http_requests_total', { method: 'GET', route: '/v1/health', status: '429' }), 2);
  t.is(moved('sendook_http_requests_total', { method: 'GET', route: '/organizations/:orgId', status: '200' }), 0);
});

test('a key cached by another instance is a Redis hit here, then an in-process hit', async (t) => {
  const seed = await world.start();
  const account = await register(seed);
  t.is((await seed.get('/v1/health', { auth: account.key })).status, 200);
  await until(async () => (await seed.deps.redis!.exists(seed.deps.redisKeys.org(account.orgId))) === 1); // the fill is not awaited
  const { app, metricsUrl } = await withMetrics(t);
  const moved = await scrapeDelta(metricsUrl, async () => {
    t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
    t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  });
  t.is(moved('sendook_key_lookups_total', { tier: 'redis', outcome: 'hit' }), 1);
  t.is(moved('sendook_key_lookups_total', { tier: 'memory', outcome: 'hit' }), 1);
  t.is(moved('sendook_key_lookups_total', { tier: 'database', outcome: 'hit' }), 0);
  t.is(moved('sendook_organization_lookups_total', { tier: 'redis', outcome: 'hit' }), 1);
  t.is(moved('sendook_organization_lookups_total', { tier: 'memory', outcome: 'hit' }), 1);
});

test('the degraded gauge is 1 while the Redis circuit is open', async (t) => {
  const { app, metricsUrl } = await withMetrics(t);
  const degraded = async () => valueOf(parsePrometheus(await (await fetch(metricsUrl)).text()), 'sendook_degraded', { dependency: 'redis' });
  t.is(await degraded(), 0);
  app.deps.redisHealth!.reportFailure(new Error('Command timed out'));
  t.is(await degraded(), 1);
});

test('webhook queue depth and delivery outcomes come from the hook the delivery code calls', async (t) => {
  const { app, metricsUrl } = await withMetrics(t);
  const scrape = async () => parsePrometheus(await (await fetch(metricsUrl)).text());
  t.is(valueOf(await scrape(), 'sendook_webhook_queue_jobs', { state: 'waiting' }), 0, 'no queue watched yet');

  app.deps.metrics!.watchWebhookQueue(async () => ({ waiting: 3, active: 1, delayed: 2, failed: 0 }));
  app.deps.counters.webhookDeliveries.delivered += 4;
  app.deps.counters.webhookDeliveries.retrying += 2;
  app.deps.counters.webhookDeliveries.failed += 1;
  const samples = await scrape();
  t.is(valueOf(samples, 'sendook_webhook_queue_jobs', { state: 'waiting' }), 3);
  t.is(valueOf(samples, 'sendook_webhook_queue_jobs', { state: 'delayed' }), 2);
  t.is(valueOf(samples, 'sendook_webhook_deliveries_total', { outcome: 'delivered' }), 4);
  t.is(valueOf(samples, 'sendook_webhook_deliveries_total', { outcome: 'retrying' }), 2);
  t.is(valueOf(samples, 'sendook_webhook_deliveries_total', { outcome: 'failed' }), 1);

  // A queue that cannot answer (Redis down) empties the gauge; the scrape still succeeds.
  app.deps.metrics!.watchWebhookQueue(() => Promise.reject(new Error('redis down')));
  const res = await fetch(metricsUrl);
  t.is(res.status, 200);
  t.is(valueOf(parsePrometheus(await res.text()), 'sendook_webhook_queue_jobs', { state: 'waiting' }), 0);
});

test('the real entry point serves /metrics on METRICS_PORT only, with process metrics, and stops with SIGTERM', async (t) => {
  const metricsPort = await freePort();
  const server = await startServerProcess({
    MYSQL_URL: world.databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: world.redisPrefix,
    METRICS_PORT: String(metricsPort),
    // The API on every interface, as in the image; /metrics must still be on loopback only.
    HOST: '0.0.0.0',
  });
  try {
    // /metrics names routes and internals: it listens on METRICS_HOST (default 127.0.0.1), never on HOST.
    t.deepEqual(listeningAddresses(metricsPort), ['127.0.0.1'], 'metrics listener address');
    t.deepEqual(listeningAddresses(Number(new URL(server.url).port)), ['0.0.0.0'], 'API listener address');
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    t.is(res.status, 200);
    t.regex(res.headers.get('content-type') ?? '', /^text\/plain/);
    const samples = parsePrometheus(await res.text());
    t.true(valueOf(samples, 'process_cpu_user_seconds_total') > 0, 'default Node process metrics');
    t.true(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds'));
    t.is(valueOf(samples, 'sendook_degraded', { dependency: 'redis' }), 0);

    const onApi = await fetch(`${server.url}/metrics`);
    t.is(onApi.status, 404, 'never on the API port');
    t.is(((await onApi.json()) as { code: string }).code, 'not_found');
    t.is((await fetch(`http://127.0.0.1:${metricsPort}/`)).status, 404);
  } finally {
    t.is(await server.stop(), 0);
  }
  await t.throwsAsync(fetch(`http://127.0.0.1:${metricsPort}/metrics`), undefined, 'the listener is closed');
});
