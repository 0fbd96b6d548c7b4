import test from 'ava';
import Redis from 'ioredis';
import type { LeasedBucketFamily } from '../app/services/leasedBucketFamily';
import { hashSecret } from '../app/lib/credentials';
import { RedisServer } from './helpers/redisServer';
import { REDIS_URL } from './helpers/services';
import { register, TestWorld, type Account, type TestApp } from './helpers/testApp';
import { until } from './helpers/until';

// RATE_LIMIT_MODE=lease with several instances on one Redis (docs/performance.md, "Leased
// budgets"). The exactness tests shared with exact mode run in both modes in their own files
// (multiInstance, hotPath, faults.redis); these are the properties only leasing has.
const LEASE = { RATE_LIMIT_MODE: 'lease' };
// In-process TTLs long enough that no cache entry expires mid-test: the counts are the bucket's.
const COUNTING = { KEY_CACHE_TTL_MS: '600000', NEGATIVE_CACHE_TTL_MS: '600000' };
let world: TestWorld;
// Reads the buckets independently of any instance (one test closes its instance first).
let redis: Redis;
test.before(async () => {
  world = await TestWorld.create();
  redis = new Redis(REDIS_URL);
});
test.after.always(async () => {
  redis?.disconnect();
  await world?.close();
});

const leased = (app: TestApp) => app.deps.requestBuckets as LeasedBucketFamily;
const bucketKey = (account: Account) => `${world.redisPrefix}rl:org:${account.orgId}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// An operator's change (what `npm run admin` calls), not an owner's PATCH: some budgets here are
// above the server default per second, which only an operator may set. Like the PATCH, it writes
// the database, overwrites the cached organization and tells every instance.
async function setBudget(app: TestApp, account: Account, points: number, duration: number) {
  await app.deps.organizations.update(account.orgId, { rateLimitPoints: points, rateLimitDuration: duration });
}

// A Redis deadline a loaded test machine does not miss: a timed-out command sends requests to the
// in-process insurance bucket (docs/reliability.md), which these budget counts are not about.
async function startThree(env: Record<string, string> = {}) {
  return Promise.all([0, 1, 2].map(() => world.start({ ...LEASE, REDIS_COMMAND_TIMEOUT_MS: '10000', ...env })));
}

// Serial: the other tests of this file change budgets meanwhile, and any invalidation reaching this
// instance while its first load is in flight makes the cache keep that load out of process (the
// cache's epoch rule), so the next request reads Redis again: one command more than the growth rule.
test.serial('a warm request usually makes no Redis command: 300 sequential requests, 4 reservations; close gives the rest back', async (t) => {
  // A lease time far longer than the test: the reservation sizes then depend on the growth rule
  // alone (x4 per step), not on how fast this machine answers.
  // A budget large enough that the 1/8-of-what-is-left cap never shrinks a reservation here (set
  // as the default: a PATCH would send an invalidation that reloads the organization mid-count).
  // Ten minutes: a reservation grows to at most the rate it was used at times the lease time, and
  // on a loaded machine a one-minute lease times a few requests a second stayed under the x4 step.
  const app = await world.start({ ...LEASE, ...COUNTING, RATE_LIMIT_LEASE_MS: '600000', RATE_LIMIT_POINTS: '1000000', REDIS_COMMAND_TIMEOUT_MS: '10000' });
  const account = await register(app);
  t.is((await app.get('/v1/health', { auth: account.key })).status, 200); // warms the caches; reserves 1
  // That request fills the Redis cache tiers without awaiting them: not part of the count.
  await until(async () => (await redis.exists(app.deps.redisKeys.org(account.orgId), app.deps.redisKeys.apiKey(hashSecret(account.key)))) === 2, 400);
  const before = app.deps.counters.redisCommands;
  for (let i = 0; i < 300; i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  const commands = app.deps.counters.redisCommands - before;
  // Reservations of 4, 16, 64 and 256 points: 340 reserved, 301 used, 40 held.
  t.is(commands, 4, `${commands} Redis commands for 300 warm requests`);
  t.is(await redis.get(bucketKey(account)), String(1 + 4 + 16 + 64 + 256));
  t.is(leased(app).held(account.orgId), 40);
  await app.close();
  t.is(await redis.get(bucketKey(account)), '301', 'graceful stop gave the 40 back');
});

test('unused reserved points go back to the shared bucket within RATE_LIMIT_LEASE_MS of their last use', async (t) => {
  // 2 s rather than the default 100 ms: requests on a busy test machine can be slower than 100 ms
  // apart, and a reservation must be left over for the test to mean anything.
  const leaseMs = 2000;
  const app = await world.start({ ...LEASE, ...COUNTING, RATE_LIMIT_LEASE_MS: String(leaseMs) });
  const account = await register(app);
  let sent = 0;
  while (sent < 10 || (leased(app).held(account.orgId) === 0 && sent < 100)) {
    t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
    sent++;
  }
  const lastUse = Date.now();
  t.true(leased(app).held(account.orgId) > 0, 'the burst left points reserved');
  let backAfter = -1;
  while (Date.now() - lastUse < 5000) {
    if ((await redis.get(bucketKey(account))) === String(sent)) {
      backAfter = Date.now() - lastUse;
      break;
    }
    await sleep(5);
  }
  t.log(`reserved points back in Redis ${backAfter} ms after the last use (RATE_LIMIT_LEASE_MS=${leaseMs})`);
  t.true(backAfter >= 0, 'given back');
  // The lease time, plus what a busy shared machine adds to a timer and a round trip.
  t.true(backAfter <= leaseMs + 1000, `${backAfter} ms`);
});

test('three instances never admit more than the budget, and a client sending exactly the budget gets all of it', async (t) => {
  const apps = await startThree();
  const account = await register(apps[0]!);
  const budget = 60;
  await setBudget(apps[0]!, account, budget, 300);

  const burst = await Promise.all(Array.from({ length: 180 }, (_, i) => apps[i % 3]!.get('/v1/health', { auth: account.key })));
  let accepted = burst.filter((r) => r.status === 200).length;
  t.true(accepted <= budget, `burst: ${accepted} accepted`);
  t.true(burst.every((r) => (r.status === 200 || r.status === 429) && !r.headers.get('sendook-degraded')));
  const stranded = budget - accepted;

  // The points the burst left reserved go back within the lease time; a client retrying its
  // refused requests then gets the whole budget, and not one request more.
  const started = Date.now();
  for (let i = 0; accepted < budget && Date.now() - started < 5000; i++) {
    if ((await apps[i % 3]!.get('/v1/health', { auth: account.key })).status === 200) accepted++;
    else await sleep(10);
  }
  const tookMs = Date.now() - started;
  t.log(`burst of 180 over 3 instances: ${budget - stranded} accepted at once, ${stranded} points reserved but unused; all ${budget} accepted ${tookMs} ms later`);
  t.is(accepted, budget);
  for (const app of apps) t.is((await app.get('/v1/health', { auth: account.key })).status, 429);
  t.is(await redis.get(bucketKey(account)), String(budget));
});

test('RateLimit-Remaining never reports more than is really left', async (t) => {
  const apps = await startThree({ RATE_LIMIT_LEASE_MS: '60000' });
  const account = await register(apps[0]!);
  const budget = 200;
  await setBudget(apps[0]!, account, budget, 300);
  let accepted = 0;
  let limited = 0;
  // Uneven traffic (instance 0 gets most) makes the instances' reservations differ in size.
  for (let i = 0; i < 240; i++) {
    const res = await apps[i % 5 < 3 ? 0 : (i % 5) - 2]!.get('/v1/health', { auth: account.key });
    if (res.status === 200) accepted++;
    else limited++;
    const remaining = Number(res.headers.get('ratelimit-remaining'));
    t.true(remaining <= budget - accepted, `request ${i}: remaining ${remaining}, really left ${budget - accepted}`);
  }
  t.true(accepted <= budget);
  t.true(limited > 0);
});

test("a budget lowered mid-window applies at once: points reserved under the old budget go back, not used", async (t) => {
  const app = await world.start({ ...LEASE, RATE_LIMIT_LEASE_MS: '60000' });
  const account = await register(app);
  for (let i = 0; i < 30; i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  t.true(leased(app).held(account.orgId) > 0);
  await setBudget(app, account, 35, 60);
  const statuses = [];
  for (let i = 0; i < 8; i++) statuses.push((await app.get('/v1/health', { auth: account.key })).status);
  t.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
  t.is(await redis.get(bucketKey(account)), '35');
});

test('window boundaries: a reservation is never used in a window other than its own', async (t) => {
  // Windows of 2 s and a lease time longer than a window, so instances still hold reserved points
  // when a window ends. Even windows get little traffic (reservations left over at their end), odd
  // windows a flood: points of an old window used in a new one would show as more than the budget.
  const apps = await startThree({ RATE_LIMIT_LEASE_MS: '5000' });
  const account = await register(apps[0]!);
  const budget = 40;
  await setBudget(apps[0]!, account, budget, 2);
  const key = bucketKey(account);

  const windowEnds: number[] = [];
  const accepted: { sent: number; received: number }[] = [];
  const refusedAt: number[] = [];
  let done = false;
  const watcher = (async () => {
    while (!done) {
      const end = await redis.pexpiretime(key);
      if (end > 0 && !windowEnds.includes(end)) windowEnds.push(end);
      await sleep(5);
    }
  })();
  // Windows counted from 0 as the watcher sees them; a window whose end has passed is over.
  const windowIndex = () => (windowEnds.length === 0 ? 0 : windowEnds.length - 1 + (Date.now() >= windowEnds.at(-1)! ? 1 : 0));
  const send = async (app: TestApp, count: number) => {
    const sent = Date.now();
    const replies = await Promise.all(Array.from({ length: count }, () => app.get('/v1/health', { auth: account.key })));
    const received = Date.now();
    for (const res of replies) if (res.status === 200) accepted.push({ sent, received });
    if (replies.some((res) => res.status === 429)) refusedAt.push(sent);
  };
  const client = async (app: TestApp) => {
    let burstIn = -1;
    while (!done) {
      const w = windowIndex();
      if (w % 2 === 1) {
        await send(app, 16); // flooded: 16 at once, again and again
      } else if (burstIn !== w) {
        // Slow: 8 requests one by one, which grows this instance's reservation, then nothing
        // until the window ends, holding what is left of it.
        burstIn = w;
        for (let i = 0; i < 8; i++) await send(app, 1);
      } else {
        await sleep(10);
      }
    }
  };
  const deadline = setTimeout(() => (done = true), 9000);
  await Promise.all([watcher, ...apps.map(client)]);
  clearTimeout(deadline);

  windowEnds.sort((a, b) => a - b);
  // A request belongs to the window its send time falls in (or, sent between windows, the next
  // one); one answered after that window's end is counted as ambiguous, not attributed.
  const perWindow = windowEnds.map(() => 0);
  let ambiguous = 0;
  for (const { sent, received } of accepted) {
    const w = windowEnds.findIndex((end) => sent < end);
    if (w < 0) continue;
    if (received >= windowEnds[w]!) ambiguous++;
    else perWindow[w]!++;
  }
  t.log(`accepted per 2 s window: ${perWindow.join(', ')} (budget ${budget}); ${ambiguous} answered across a boundary`);
  t.true(windowEnds.length >= 3, `${windowEnds.length} windows seen`);
  for (const count of perWindow) t.true(count <= budget, `a window admitted ${count}`);
  // The test means something only if a flood did empty its window.
  const flooded = (sent: number) => windowEnds.findIndex((end) => sent < end) % 2 === 1;
  t.true(refusedAt.some(flooded), 'a flooded window ran out of points');
});

test('points held by idle instances go back: the instance still serving the client gets them within the lease time', async (t) => {
  // The worst case for under-admission: a client moves all its traffic to one instance while the
  // others still hold reserved points.
  // A lease time of 4 s makes the stranded points observable on a busy machine.
  const leaseMs = 4000;
  const apps = await startThree({ RATE_LIMIT_LEASE_MS: String(leaseMs) });
  const account = await register(apps[0]!);
  const budget = 60;
  await setBudget(apps[0]!, account, budget, 300);
  const held = () => leased(apps[1]!).held(account.orgId) + leased(apps[2]!).held(account.orgId);
  let accepted = 0;
  for (let i = 0; i < 24 || (held() === 0 && i < 40); i++) if ((await apps[i % 3]!.get('/v1/health', { auth: account.key })).status === 200) accepted++;
  // Then only instance 0, ten at a time (quick, so the others are still holding), until a 429.
  for (let refused = false; !refused; ) {
    const statuses = (await Promise.all(Array.from({ length: 10 }, () => apps[0]!.get('/v1/health', { auth: account.key })))).map((r) => r.status);
    accepted += statuses.filter((s) => s === 200).length;
    refused = statuses.includes(429);
  }
  const refusedAt = Date.now();
  const stranded = held();
  t.is(accepted + stranded, budget, 'refused only because the other instances hold the rest');
  t.true(stranded > 0);
  while (accepted < budget && Date.now() - refusedAt < 10_000) {
    if ((await apps[0]!.get('/v1/health', { auth: account.key })).status === 200) accepted++;
    else await sleep(10);
  }
  const tookMs = Date.now() - refusedAt;
  t.log(`${stranded} of ${budget} points held by idle instances at the first 429; all ${budget} accepted ${tookMs} ms later (RATE_LIMIT_LEASE_MS=${leaseMs})`);
  t.is(accepted, budget);
  t.true(tookMs <= leaseMs + 1500, `${tookMs} ms`);
  t.is((await apps[0]!.get('/v1/health', { auth: account.key })).status, 429);
});

test('Redis hanging: reserved points are still admitted exactly, then the insurance bucket decides, degraded; recovery is automatic', async (t) => {
  const server = await RedisServer.start();
  const apps = await startThree({ REDIS_URL: server.url, INSTANCE_COUNT: '3', REDIS_COMMAND_TIMEOUT_MS: '100', RATE_LIMIT_LEASE_MS: '60000' });
  t.teardown(async () => {
    server.thaw();
    for (const app of apps) {
      const queue = app.deps.deliveryQueue as unknown as { connected?: boolean };
      for (let i = 0; i < 100 && queue.connected === false; i++) await sleep(50);
      await app.close();
    }
    await server.stop();
  });
  const account = await register(apps[0]!);
  await setBudget(apps[0]!, account, 300, 300);
  // Requests until every instance holds reserved points (its last reservation not used up).
  for (const app of apps) {
    for (let i = 0; i < 25 || (leased(app).held(account.orgId) === 0 && i < 60); i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  }
  const held = apps.map((app) => leased(app).held(account.orgId));
  t.true(held.every((h) => h > 0), `held: ${held.join(', ')}`);
  for (const app of apps) while (!app.deps.redisHealth!.available()) await sleep(50);

  server.freeze();
  const timeoutsBefore = apps.map((app) => app.deps.counters.redisTimeouts);
  for (const [i, app] of apps.entries()) {
    for (let n = 0; n < held[i]!; n++) {
      const res = await app.get('/v1/health', { auth: account.key });
      t.is(res.status, 200);
      t.is(res.headers.get('sendook-degraded'), null, 'admitted from points reserved in Redis: exact');
    }
    const degradedFrom = Date.now();
    for (let n = 0; n < 5; n++) {
      const res = await app.get('/v1/health', { auth: account.key });
      t.is(res.status, 200);
      t.is(res.headers.get('sendook-degraded'), 'redis');
      t.is(res.headers.get('ratelimit-policy'), '300;w=300');
    }
    // One request paid the timeout and the circuit spared the rest, for a second each time it opens.
    const timeouts = app.deps.counters.redisTimeouts - timeoutsBefore[i]!;
    const windows = Math.ceil((Date.now() - degradedFrom) / 1000);
    t.true(timeouts >= 1 && timeouts <= Math.min(windows + 1, 4), `${timeouts} timeouts in ${windows} windows`);
  }
  server.thaw();
  for (const app of apps) {
    const recovered = async () => (await app.get('/v1/health', { auth: account.key })).headers.get('sendook-degraded') === null;
    let ok = false;
    for (let i = 0; i < 100 && !(ok = await recovered()); i++) await sleep(100);
    t.true(ok, 'the Redis bucket is used again');
  }
});
