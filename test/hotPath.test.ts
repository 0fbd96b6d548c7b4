import test from 'ava';
import { Agent, fetch } from 'undici';
import { API_KEY_PREFIX, generateSecret, hashSecret } from '../app/lib/credentials';
import { getFrom } from './helpers/fromAddress';
import { until } from './helpers/until';
import { createKey, RATE_LIMIT_MODES, register, TestWorld, type TestApp } from './helpers/testApp';

// Counts, not timings: each test that counts starts an instance of its own so that no other
// test's traffic moves its counters, with in-process TTLs long enough that no entry expires
// mid-test on a slow machine.
const COUNTING = { KEY_CACHE_TTL_MS: '600000', NEGATIVE_CACHE_TTL_MS: '600000' };
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

function delta(app: TestApp) {
  const before = app.deps.counters.snapshot();
  return () => {
    const now = app.deps.counters.snapshot();
    return {
      mysql: now.mysqlQueries - before.mysqlQueries,
      keyLookups: now.keyLookupQueries - before.keyLookupQueries,
      redis: now.redisCommands - before.redisCommands,
    };
  };
}

// Exact mode: one Redis command per request (the consume). Lease mode: one per reservation; with a
// lease time longer than the test, reservations grow 1, 4, 16, ... so the 20 requests after the
// first one are served by two reservations (test/lease.test.ts counts a longer run).
for (const mode of RATE_LIMIT_MODES) {
  // Serial, like every count here: the concurrent tests of this file fail authentications from the
  // same address (the throttle then asks Redis about it) and change organizations (invalidations).
  test.serial(`${mode}: a warm authenticated request makes 0 MySQL queries and ${mode === 'exact' ? '1 Redis command' : 'a Redis command per reservation'}`, async (t) => {
    // A Redis deadline no loaded test machine misses: a timed-out command would send requests to
    // the fallback bucket and change the count.
    const app = await world.start({ ...COUNTING, RATE_LIMIT_MODE: mode, RATE_LIMIT_LEASE_MS: '600000', REDIS_COMMAND_TIMEOUT_MS: '10000' });
    const account = await register(app);
    await app.get('/v1/health', { auth: account.key });
    // The first request fills the Redis cache tiers without awaiting them: not part of the count.
    // One key per EXISTS: on a Redis Cluster the two keys may live on different masters.
    const cached = [app.deps.redisKeys.org(account.orgId), app.deps.redisKeys.apiKey(hashSecret(account.key))];
    await until(async () => (await Promise.all(cached.map((key) => app.deps.redis!.exists(key)))).every((n) => n === 1), 400);
    const measured = delta(app);
    for (let i = 0; i < 20; i++) {
      const res = await app.get('/v1/health', { auth: account.key });
      t.is(res.status, 200);
      t.is(res.headers.get('sendook-degraded'), null);
    }
    const d = measured();
    t.is(d.mysql, 0);
    t.is(d.redis, mode === 'exact' ? 20 : 2);
  });
}

test('a malformed key makes no Redis command and no MySQL query', async (t) => {
  const app = await world.start();
  const measured = delta(app);
  const valid = generateSecret(API_KEY_PREFIX);
  for (const bad of ['sndk_x', valid.slice(0, -1) + (valid.endsWith('0') ? '1' : '0'), 'x'.repeat(44), 'Bearer ' + valid]) {
    t.is((await app.get('/v1/health', { auth: bad })).body.code, 'malformed_api_key');
  }
  t.is((await app.get('/v1/health')).body.code, 'missing_api_key');
  t.deepEqual(measured(), { mysql: 0, keyLookups: 0, redis: 0 });
});

test('1,000 concurrent lookups of one uncached key make exactly one MySQL key query', async (t) => {
  const seed = await world.start();
  const account = await register(seed);
  const app = await world.start(COUNTING);
  await seed.deps.redis!.del(seed.deps.redisKeys.apiKey(hashSecret(account.key)));
  const measured = delta(app);
  const results = await Promise.all(Array.from({ length: 1000 }, () => app.deps.keyVerifier.verify(account.key)));
  t.true(results.every((r) => r.ok));
  t.is(measured().keyLookups, 1);
});

test('1,000 concurrent first HTTP requests with one uncached key make exactly one MySQL key query', async (t) => {
  const seed = await world.start();
  const account = await register(seed);
  // Above the default: an operator's change (what `npm run admin` calls), not an owner's PATCH.
  await seed.deps.organizations.update(account.orgId, { rateLimitPoints: 5000 });
  const app = await world.start(COUNTING);
  await seed.deps.redis!.del(seed.deps.redisKeys.apiKey(hashSecret(account.key)));
  const measured = delta(app);
  // 1,000 requests in flight at once over 250 connections (4 pipelined on each): as concurrent
  // for the server as 1,000 sockets, without overflowing its listen backlog on a busy machine.
  const dispatcher = new Agent({ connections: 250, pipelining: 4 });
  const statuses = await Promise.all(
    Array.from({ length: 1000 }, () =>
      fetch(`${app.url}/v1/health`, { headers: { authorization: `Bearer ${account.key}` }, dispatcher }).then((r) => r.status),
    ),
  );
  await dispatcher.close();
  t.deepEqual([...new Set(statuses)], [200]);
  t.is(measured().keyLookups, 1);
});

test('unknown keys are cached as misses: the second try reads neither MySQL nor the Redis key cache', async (t) => {
  const app = await world.start({ ...COUNTING, AUTH_FAIL_POINTS: '100' });
  const unknown = generateSecret(API_KEY_PREFIX);
  t.is((await app.get('/v1/health', { auth: unknown })).body.code, 'invalid_api_key');
  const missKey = app.deps.redisKeys.apiKey(hashSecret(unknown));
  await until(async () => (await app.deps.redis!.get(missKey)) === 'null'); // the fill is not awaited by the request
  t.is(await app.deps.redis!.get(missKey), 'null');
  const measured = delta(app);
  t.is((await app.get('/v1/health', { auth: unknown })).body.code, 'invalid_api_key');
  const d = measured();
  t.is(d.mysql, 0);
  t.is(d.redis, 1, 'only the failed-attempt counter');
});

for (const mode of RATE_LIMIT_MODES) {
  test(`${mode}: all keys of an organization share one bucket; headers on every response; 429 with Retry-After`, async (t) => {
    const app = await world.start({ RATE_LIMIT_MODE: mode });
    const account = await register(app);
    const second = await createKey(app, account);
    const patched = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 6, rateLimitDuration: 120 } });
    t.is(patched.status, 200);
    // createKey above already used one point with the default budget; the bucket is the same key.
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await app.get('/v1/health', { auth: i % 2 ? account.key : second.key });
      seen.push(res.status);
      if (res.status === 200) {
        t.is(res.headers.get('ratelimit-limit'), '6');
        t.is(res.headers.get('ratelimit-policy'), '6;w=120');
      }
    }
    t.deepEqual(seen, [200, 200, 200, 200, 200, 429]);
    const limited = await app.get('/v1/api_keys', { auth: account.key });
    t.is(limited.status, 429);
    t.is(limited.body.code, 'rate_limited');
    t.is(limited.headers.get('ratelimit-remaining'), '0');
    t.truthy(Number(limited.headers.get('retry-after')) > 0);
    t.truthy(Number(limited.headers.get('ratelimit-reset')) > 0);
    const ttl = await app.deps.redis!.pttl(`${world.redisPrefix}rl:org:${account.orgId}`);
    t.true(ttl > 0 && ttl <= 120_000);
    // Exact mode counts every /v1 request, 429s included; lease mode reserves only what it admits
    // (6 here: near exhaustion it reserves one point at a time).
    const consumed = mode === 'exact' ? '8' : '6';
    t.is(await app.deps.redis!.get(`${world.redisPrefix}rl:org:${account.orgId}`), consumed, 'one point per /v1 request, whichever key');
  });
}

test('errors from the routers still carry the rate-limit headers', async (t) => {
  const app = await world.start();
  const account = await register(app);
  const res = await app.get('/v1/api_keys/0123456789abcdef01234567', { auth: account.key });
  t.is(res.status, 404);
  t.truthy(res.headers.get('ratelimit-remaining'));
  t.truthy(res.headers.get('x-request-id'));
});

test('failed authentications are throttled per address, without Redis or MySQL work once throttled', async (t) => {
  const app = await world.start({ AUTH_FAIL_POINTS: '3', AUTH_FAIL_DURATION: '60', AUTH_FAIL_BLOCK: '60' });
  const account = await register(app);
  const get = (key: string, from: string) => getFrom(from, `${app.url}/v1/health`, { authorization: `Bearer ${key}` });
  const attacker = '127.0.0.2';
  for (let i = 0; i < 3; i++) t.is((await get(generateSecret(API_KEY_PREFIX), attacker)).body.code, 'invalid_api_key');
  const fourth = await get(generateSecret(API_KEY_PREFIX), attacker);
  t.is(fourth.status, 429);
  t.is(fourth.body.code, 'too_many_failed_attempts');
  t.truthy(Number(fourth.headers['retry-after']) > 0);
  t.truthy(await app.deps.redis!.get(`${world.redisPrefix}rl:authfail:${attacker}`));

  const measured = delta(app);
  const blocked = await get(account.key, attacker);
  t.is(blocked.body.code, 'too_many_failed_attempts');
  t.deepEqual(measured(), { mysql: 0, keyLookups: 0, redis: 0 });
  // Another address is not affected.
  t.is((await get(account.key, '127.0.0.3')).status, 200);
  // Malformed keys are not counted.
  for (let i = 0; i < 5; i++) t.is((await get('sndk_nope', '127.0.0.4')).body.code, 'malformed_api_key');
  t.is((await get(account.key, '127.0.0.4')).status, 200);
});

// The same counts with usage recorded and flushed often: the flushes add nothing to the request path.
for (const mode of RATE_LIMIT_MODES) {
  test.serial(`${mode}: usage on, flushing every 50 ms: warm requests still make 0 MySQL queries and ${mode === 'exact' ? '1 Redis command each' : 'a Redis command per reservation'}; the flushes use their own pool`, async (t) => {
    const app = await world.start({ ...COUNTING, USAGE_FLUSH_MS: '50', RATE_LIMIT_MODE: mode, RATE_LIMIT_LEASE_MS: '600000', REDIS_COMMAND_TIMEOUT_MS: '10000' });
    const account = await register(app);
    await app.get('/v1/health', { auth: account.key });
    // The first request fills the Redis cache tiers without awaiting them: not part of the count.
    const cached = [app.deps.redisKeys.org(account.orgId), app.deps.redisKeys.apiKey(hashSecret(account.key))];
    await until(async () => (await Promise.all(cached.map((key) => app.deps.redis!.exists(key)))).every((n) => n === 1), 400);
    await app.deps.usageFlusher.flush();
    const measured = delta(app);
    const usageQueriesBefore = app.deps.counters.usageQueries;
    for (let i = 0; i < 20; i++) {
      t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
      // Let a flush run between requests.
      if (i % 5 === 4) await new Promise((resolve) => setTimeout(resolve, 120));
    }
    const d = measured();
    t.is(d.mysql, 0);
    t.is(d.redis, mode === 'exact' ? 20 : 2);
    t.true(app.deps.counters.usageQueries > usageQueriesBefore, 'the counts were written meanwhile, by the usage pool');
  });
}
