import test from 'ava';
import { getFrom } from './helpers/fromAddress';
import { eventually } from './helpers/eventually';
import { createKey, register, TestWorld, type Account, type TestApp } from './helpers/testApp';

// GET /v1/usage and /v1/api_keys/:id/clients (docs/usage.md), against real
// MySQL through real instances. Usage is read with the access token (/organizations/:orgId/...),
// which is not a /v1 request and so does not count itself.
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

const FAST = { USAGE_FLUSH_MS: '200' };

interface Point {
  at: string;
  apiKeyId: string;
  requests: number;
  outcomes: Record<string, number>;
}

function usageOf(app: TestApp, account: Account, query: string) {
  return app.get<Point[]>(`/organizations/${account.orgId}/usage?${query}`, { auth: account.token });
}

const total = (points: Point[], keyId?: string) => points.filter((p) => !keyId || p.apiKeyId === keyId).reduce((n, p) => n + p.requests, 0);

test('requests are counted per key and minute by outcome, and the hour and day series hold the same sums', async (t) => {
  const app = await world.start(FAST);
  const account = await register(app);
  const other = await createKey(app, account);
  for (let i = 0; i < 5; i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  t.is((await app.get('/v1/api_keys/0123456789abcdef01234567', { auth: account.key })).status, 404);
  t.is((await app.get('/v1/health', { auth: other.key })).status, 200);
  t.is((await app.patch(`/v1/api_keys/${other.id}`, { auth: account.key, body: { active: false } })).status, 200);
  for (let i = 0; i < 2; i++) t.is((await app.get('/v1/health', { auth: other.key })).body.code, 'api_key_inactive');
  await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 12, rateLimitDuration: 600 } });
  let limited = 0;
  for (let i = 0; i < 14; i++) if ((await app.get('/v1/health', { auth: account.key })).status === 429) limited++;
  t.true(limited > 0);

  // The budget back to the default before reading: /organizations/:orgId/usage draws from the same
  // bucket (it is metered like /v1), and this PATCH itself is not.
  await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: null, rateLimitDuration: null } });

  // createKey, 5 health, the 404, the PATCH, 14 health; the other key: 1 accepted, 2 refused.
  const expected = { first: 1 + 5 + 1 + 1 + 14, other: 1 + 2 };
  const minutes = await eventually(async () => {
    const res = await usageOf(app, account, 'granularity=minute');
    return total(res.body, account.keyId) === expected.first && total(res.body, other.id) === expected.other && res.body;
  }, 5000, 'usage to arrive');
  const sum = (keyId: string, outcome: string) => minutes.filter((p) => p.apiKeyId === keyId).reduce((n, p) => n + p.outcomes[outcome]!, 0);
  t.is(sum(account.keyId, 'rate_limited'), limited);
  t.is(sum(account.keyId, 'client_error'), 1);
  t.is(sum(account.keyId, 'accepted'), expected.first - limited - 1);
  t.is(sum(other.id, 'key_refused'), 2);
  t.is(sum(other.id, 'accepted'), 1);
  for (const p of minutes) {
    t.is(new Date(p.at).getTime() % 60_000, 0, 'buckets start on the minute');
    t.is(p.requests, Object.values(p.outcomes).reduce((a, b) => a + b, 0));
  }
  for (const granularity of ['hour', 'day']) {
    const res = await usageOf(app, account, `granularity=${granularity}`);
    t.is(res.status, 200);
    t.is(total(res.body, account.keyId), expected.first, granularity);
    t.is(total(res.body, other.id), expected.other, granularity);
  }
  const one = await app.get<Point[]>(`/organizations/${account.orgId}/usage?granularity=day&apiKeyId=${other.id}`, { auth: account.token });
  t.deepEqual([...new Set(one.body.map((p) => p.apiKeyId))], [other.id]);
  // Through /v1 with a key, as docs/usage.md names it.
  const v1 = await app.get<Point[]>(`/v1/usage?granularity=hour&apiKeyId=${other.id}`, { auth: account.key });
  t.is(v1.status, 200);
  t.is(total(v1.body), expected.other);
});

test('N requests across two instances and a restart of one are exactly N in /usage', async (t) => {
  const a = await world.start(FAST);
  const b = await world.start(FAST);
  const account = await register(a);
  const key = await createKey(a, account);
  const n = 90;
  let sent = 0;
  const burst = async (app: TestApp, count: number) => {
    const statuses = await Promise.all(Array.from({ length: count }, () => app.get('/v1/health', { auth: key.key }).then((r) => r.status)));
    sent += statuses.length;
    t.deepEqual([...new Set(statuses)], [200]);
  };
  await Promise.all([burst(a, 30), burst(b, 30)]);
  // A graceful stop flushes what the instance holds; a new instance takes over its share.
  await a.close();
  const c = await world.start(FAST);
  await burst(c, 30);
  t.is(sent, n);
  const counted = await eventually(async () => {
    const got = total((await usageOf(b, account, `granularity=minute&apiKeyId=${key.id}`)).body);
    return got >= n && got;
  }, 3000, 'N requests counted');
  t.is(counted, n);
  await Promise.all([b.close(), c.close()]);
  const d = await world.start(FAST);
  t.is(total((await usageOf(d, account, `granularity=day&apiKeyId=${key.id}`)).body), n, 'and nothing more after both stopped');
});

test('usage arrives with the next timed flush: at most USAGE_FLUSH_MS behind, counted in flushes rather than time', async (t) => {
  const app = await world.start({ USAGE_FLUSH_MS: '1000' });
  const account = await register(app);
  const key = await createKey(app, account);
  const flusher = app.deps.usageFlusher;
  t.is((await app.get('/v1/health', { auth: key.key })).status, 200);
  const flushesBefore = flusher.started;
  await eventually(async () => total((await usageOf(app, account, `granularity=minute&apiKeyId=${key.id}`)).body) === 1, 15_000, 'the request counted');
  // The timer, not the test, flushed it, and no later than the first flush to start after the
  // response (one that had already started may have taken it, too).
  const flushes = flusher.started - flushesBefore;
  t.true(flushes <= 1, `${flushes} flushes`);
});

test('clients of a key: address and user agent with counts and first/last seen, most recent first', async (t) => {
  const app = await world.start(FAST);
  const account = await register(app);
  const key = await createKey(app, account);
  const auth = { authorization: `Bearer ${key.key}` };
  await getFrom('127.0.0.5', `${app.url}/v1/health`, { ...auth, 'user-agent': 'agent-one/1.0' });
  await getFrom('127.0.0.5', `${app.url}/v1/health`, { ...auth, 'user-agent': 'agent-one/1.0' });
  await getFrom('127.0.0.6', `${app.url}/v1/health`, { ...auth, 'user-agent': 'agent-two/2.0' });
  const clients = await eventually(async () => {
    const res = await app.get(`/organizations/${account.orgId}/api_keys/${key.id}/clients`, { auth: account.token });
    return res.body.length === 2 && res.body;
  }, 5000, 'two clients');
  t.like(clients[0], { address: '127.0.0.6', userAgent: 'agent-two/2.0', requests: 1 });
  t.like(clients[1], { address: '127.0.0.5', userAgent: 'agent-one/1.0', requests: 2 });
  t.true(clients[1].firstSeenAt <= clients[1].lastSeenAt);
  t.deepEqual(Object.keys(clients[0]).sort(), ['address', 'firstSeenAt', 'lastSeenAt', 'requests', 'userAgent']);
  const v1 = await app.get(`/v1/api_keys/${key.id}/clients`, { auth: account.key });
  t.is(v1.status, 200);
  t.is(v1.body.length, 2);
});

test("another organization's usage, clients and key ids are 404; bad queries are 400 and change nothing", async (t) => {
  const app = await world.start(FAST);
  const mine = await register(app);
  const theirs = await register(app);
  t.is((await app.get(`/v1/api_keys/${theirs.keyId}/clients`, { auth: mine.key })).status, 404);
  t.is((await app.get(`/v1/usage?apiKeyId=${theirs.keyId}`, { auth: mine.key })).body.code, 'not_found');
  t.is((await app.get(`/v1/logs?apiKeyId=${theirs.keyId}`, { auth: mine.key })).body.code, 'not_found');
  t.is((await app.get(`/organizations/${theirs.orgId}/usage`, { auth: mine.token })).status, 404);
  t.is((await app.get(`/organizations/${theirs.orgId}/logs`, { auth: mine.token })).status, 404);
  t.is((await app.get('/v1/api_keys/nope/clients', { auth: mine.key })).status, 404);
  for (const query of ['granularity=week', 'from=yesterday', 'granularity=minute&from=2020-01-01T00:00:00Z', 'to=2020-01-01T00:00:00Z&from=2021-01-01T00:00:00Z', 'apiKeyId=x', 'extra=1']) {
    const res = await app.get(`/v1/usage?${query}`, { auth: mine.key });
    t.is(res.status, 400, query);
    t.is(res.body.code, 'validation_failed');
  }
  for (const query of ['status=99', 'status=6xx', 'limit=0', 'before=x']) t.is((await app.get(`/v1/logs?${query}`, { auth: mine.key })).status, 400, query);
  t.is((await app.get('/v1/usage')).body.code, 'missing_api_key');
});

// Serial (ava runs these first, alone): pruning two days ahead deletes every organization's minutes.
test.serial('retention: minute buckets go after 48 hours, hours and days stay', async (t) => {
  const app = await world.start(FAST);
  const account = await register(app);
  await app.get('/v1/health', { auth: account.key });
  await app.deps.usageFlusher.flush();
  const now = Date.now();
  const from = new Date(now - 3_600_000).toISOString();
  const read = (granularity: string) => usageOf(app, account, `granularity=${granularity}&from=${from}`).then((r) => total(r.body));
  t.is(await read('minute'), 1);
  await app.deps.usagePruner.prune(now + 49 * 3_600_000);
  t.is(await read('minute'), 0);
  t.is(await read('hour'), 1);
  t.is(await read('day'), 1);
});
