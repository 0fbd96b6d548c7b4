import test from 'ava';
import { createKey, RATE_LIMIT_MODES, register, TestWorld } from './helpers/testApp';
import { RedisServer } from './helpers/redisServer';

// Redis down (docs/reliability.md#redis-down): each test gets a private redis-server it can kill
// or freeze.
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

async function setup(t: { teardown(fn: () => Promise<void>): void }, env: Record<string, string> = {}) {
  const redis = await RedisServer.start();
  const app = await world.start({ REDIS_URL: redis.url, ...env });
  // The instance goes first, while its Redis is back: BullMQ's worker only stops cleanly then
  // (shutdown during an outage is bounded, but leaves BullMQ's timers to a process exit).
  t.teardown(async () => {
    redis.thaw();
    // BullMQ reconnects on its own schedule after a restart; a clean close needs it connected.
    const queue = app.deps.deliveryQueue as unknown as { connected?: boolean };
    for (let i = 0; i < 100 && queue.connected === false; i++) await new Promise((r) => setTimeout(r, 50));
    await app.close();
    await redis.stop();
  });
  return { redis, app };
}

async function eventually(check: () => Promise<boolean>, withinMs = 10_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

// Every test runs in both RATE_LIMIT_MODEs: the Redis-down promises hold for leased budgets too.
for (const mode of RATE_LIMIT_MODES) {
  test(`${mode}: Redis killed: cached keys keep working, degraded and bounded; /health says so; recovery is automatic`, async (t) => {
    const { redis, app } = await setup(t, { INSTANCE_COUNT: '2', RATE_LIMIT_MODE: mode });
    // Set up while Redis answers: on a loaded machine the first commands after boot can miss the
    // deadline, and their degraded admissions are not what this test counts.
    t.true(await eventually(async () => app.deps.redisHealth!.available(), 5000), 'the Redis circuit is closed');
    const account = await register(app);
    await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 10, rateLimitDuration: 300 } });
    const warm = await app.get('/v1/health', { auth: account.key });
    t.is(warm.status, 200);
    t.is(warm.headers.get('sendook-degraded'), null);

    await redis.kill();
    const degradedBefore = app.deps.counters.degradedAdmits;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await app.get('/v1/health', { auth: account.key });
      statuses.push(res.status);
      t.is(res.headers.get('sendook-degraded'), 'redis');
      t.is(res.headers.get('ratelimit-policy'), '10;w=300', 'the policy is unchanged');
    }
    // The fallback bucket holds the budget divided by INSTANCE_COUNT (10 / 2 = 5 per instance),
    // and in a window where Redis already admitted, the unused remainder it last reported divided
    // by INSTANCE_COUNT: (10 - 1) / 2, rounded down, is 4.
    t.deepEqual(statuses, [200, 200, 200, 200, 429, 429, 429]);
    t.is(app.deps.counters.degradedAdmits - degradedBefore, 4);

    const health = await app.get('/health');
    t.is(health.status, 503);
    t.deepEqual(health.body, { healthy: false, mysql: 'ok', redis: 'down' });

    await redis.boot();
    t.true(await eventually(async () => (await app.get('/health')).status === 200), '/health recovers');
    t.true(
      await eventually(async () => (await app.get('/v1/health', { auth: account.key })).headers.get('sendook-degraded') === null),
      'the Redis bucket is used again',
    );
  });

  test(`${mode}: Redis stops answering in a window where it admitted: degraded admission adds at most the unused remainder`, async (t) => {
    // One instance, then a frozen Redis (connections open, no answers: the command deadline
    // decides). A deadline no loaded machine misses while Redis answers.
    const { redis, app } = await setup(t, { INSTANCE_COUNT: '1', RATE_LIMIT_MODE: mode, REDIS_COMMAND_TIMEOUT_MS: '2000' });
    const account = await register(app);
    await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 10, rateLimitDuration: 300 } });
    const healthy: number[] = [];
    for (let i = 0; i < 7; i++) healthy.push((await app.get('/v1/health', { auth: account.key })).status);
    t.deepEqual(healthy, Array(7).fill(200));
    t.is(app.deps.counters.degradedAdmits, 0, 'Redis decided these');
    t.true(await eventually(async () => app.deps.redisHealth!.available(), 5000), 'the Redis circuit is closed');

    redis.freeze();
    let admitted = 0;
    for (let i = 0; i < 12; i++) {
      const res = await app.get('/v1/health', { auth: account.key });
      if (res.status === 200) admitted++;
      else t.is(res.status, 429);
    }
    // Without the cap the fallback bucket (10 per window for one instance) would admit 10 more: 17
    // in a window of 10. Lease mode admits the rest of its reservation exactly, then degraded.
    t.is(7 + admitted, 10, `admitted ${admitted} after the freeze`);
    redis.thaw();
  });

  test(`${mode}: Redis killed: a key missing from the in-process cache is read from MySQL, never a false 401`, async (t) => {
    const { redis, app } = await setup(t, { RATE_LIMIT_MODE: mode });
    const account = await register(app);
    const other = await createKey(app, account);
    await redis.kill();
    app.deps.keyCache.clearLocal();
    app.deps.orgCache.clearLocal();
    const res = await app.get('/v1/health', { auth: other.key });
    t.is(res.status, 200);
    t.is(res.headers.get('sendook-degraded'), 'redis');
    // A revocation made during the outage takes effect here at once and reaches Redis on reconnect.
    t.is((await app.delete(`/v1/api_keys/${other.id}`, { auth: account.key })).status, 200);
    t.is((await app.get('/v1/health', { auth: other.key })).body.code, 'invalid_api_key');
    await redis.boot();
    const hash = (await import('../app/lib/credentials')).hashSecret(other.key);
    t.true(await eventually(async () => JSON.parse((await app.deps.redis!.get(app.deps.redisKeys.apiKey(hash)).catch(() => 'null')) ?? 'null')?.deleted === true));
  });

  test(`${mode}: Redis hanging: commands time out after REDIS_COMMAND_TIMEOUT_MS and the circuit stops further waits`, async (t) => {
    const { redis, app } = await setup(t, { REDIS_COMMAND_TIMEOUT_MS: '100', RATE_LIMIT_MODE: mode });
    const account = await register(app);
    t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
    // Start from a closed circuit (a slow machine may have tripped it already), so the first
    // request surely asks the frozen Redis.
    t.true(await eventually(async () => app.deps.redisHealth!.available(), 5000), 'the Redis circuit closes');
    redis.freeze();
    const started = Date.now();
    const before = app.deps.counters.snapshot();
    for (let i = 0; i < 10; i++) {
      const res = await app.get('/v1/health', { auth: account.key });
      t.is(res.status, 200);
      t.is(res.headers.get('sendook-degraded'), 'redis');
    }
    const after = app.deps.counters.snapshot();
    const timeouts = after.redisTimeouts - before.redisTimeouts;
    // Without the circuit every one of the 10 requests would wait for a timed-out command; with it
    // only the first of each one-second window does (however slow the machine is).
    const windows = Math.ceil((Date.now() - started) / 1000);
    t.true(timeouts >= 1);
    t.true(timeouts <= Math.min(windows + 1, 9), `timeouts: ${timeouts} in ${windows} windows`);
    redis.thaw();
  });
}
