import test from 'ava';
import { register, TestWorld, type TestApp } from './helpers/testApp';

// Owners may only lower their organization's budgets through
// PATCH /organizations/:orgId (or restore the default with null); anything above the server
// default, in points or in rate, is 403 forbidden and changes nothing. Raising is the operator's
// `npm run admin` (test/admin.test.ts).
let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start(); // defaults: 1000 requests per 60 s, 100 sends per 3600 s
});
test.after.always(() => world?.close());

const UNCHANGED = { rateLimitPoints: null, rateLimitDuration: null, sendLimitPoints: null, sendLimitDuration: null };

test('raising a budget above the server default is 403 forbidden and changes nothing', async (t) => {
  const account = await register(app);
  const above = [
    { rateLimitPoints: 1_000_000_000, rateLimitDuration: 1 }, // the review's example
    { rateLimitPoints: 1001 },
    { rateLimitDuration: 1 }, // the default points in one second: a 60 times higher rate
    { rateLimitPoints: 2000, rateLimitDuration: 600 }, // a lower rate, but a burst above the default
    { sendLimitPoints: 1_000_000_000 },
    { sendLimitPoints: 100, sendLimitDuration: 60 },
    { name: 'renamed', rateLimitPoints: 5000 },
  ];
  for (const body of above) {
    const res = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body });
    t.is(res.status, 403, JSON.stringify(body));
    t.is(res.body.code, 'forbidden');
    t.regex(res.body.error, /operator/);
  }
  const org = await app.get(`/organizations/${account.orgId}`, { auth: account.token });
  t.like(org.body, { ...UNCHANGED, name: 'Default Organization' });
  const v1 = await app.get('/v1/health', { auth: account.key });
  t.is(v1.headers.get('ratelimit-policy'), '1000;w=60');
});

test('lowering is allowed, on either axis, and null restores the default', async (t) => {
  const account = await register(app);
  for (const body of [{ rateLimitPoints: 10 }, { rateLimitPoints: 10, rateLimitDuration: 3600 }, { rateLimitPoints: 16, rateLimitDuration: 1 }, { sendLimitPoints: 5, sendLimitDuration: 86_400 }, { name: 'just a name' }]) {
    const res = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body });
    t.is(res.status, 200, JSON.stringify(body));
  }
  t.is((await app.get('/v1/health', { auth: account.key })).headers.get('ratelimit-policy'), '16;w=1');
  const restored = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: null, rateLimitDuration: null, sendLimitPoints: null, sendLimitDuration: null } });
  t.is(restored.status, 200);
  t.like(restored.body, UNCHANGED);
  t.is((await app.get('/v1/health', { auth: account.key })).headers.get('ratelimit-policy'), '1000;w=60');
});
