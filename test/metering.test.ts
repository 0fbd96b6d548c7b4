import test from 'ava';
import { MAX_WEBHOOKS_PER_ORGANIZATION } from '../app/services/webhooks';
import { randomSuffix } from './helpers/services';
import { register, TestWorld, type TestApp } from './helpers/testApp';

// Every costly route is metered. Registrations are throttled per client
// address, /organizations/:orgId/* draws from the organization's request bucket, and the number
// of webhooks (every event fans out to each) is capped.
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

const registration = () => ({ email: `reg-${randomSuffix()}@example.test`, password: 'correct horse battery', first_name: 'R', last_name: 'T' });

test('POST /auth/register: REGISTER_LIMIT_POINTS per address, then 429 register_throttled with Retry-After, and nothing created', async (t) => {
  // Its own world (Redis prefix): the other tests of this file register from 127.0.0.1 too.
  const own = await TestWorld.create();
  t.teardown(() => own.close());
  const app = await own.start({ REGISTER_LIMIT_POINTS: '3', REGISTER_LIMIT_DURATION: '600' });
  for (let i = 0; i < 3; i++) t.is((await app.post('/auth/register', { body: registration() })).status, 201);
  const refused = registration();
  const res = await app.post('/auth/register', { body: refused });
  t.is(res.status, 429);
  t.like(res.body, { code: 'register_throttled' });
  t.is(typeof res.body.requestId, 'string');
  const retryAfter = Number(res.headers.get('retry-after'));
  t.true(retryAfter > 0 && retryAfter <= 600, `Retry-After ${retryAfter}`);
  // Nothing was stored: the refused email cannot log in.
  const login = await app.post('/auth/login', { body: { email: refused.email, password: refused.password } });
  t.is(login.status, 401);
  t.is(login.body.code, 'invalid_credentials');
});

async function budgetedAccount(app: TestApp, points: number) {
  const account = await register(app);
  const set = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: points, rateLimitDuration: 600 } });
  t_is(set.status, 200);
  return account;
}
function t_is(actual: number, expected: number) {
  if (actual !== expected) throw new Error(`expected ${expected}, got ${actual}`);
}

test('/organizations/:orgId/* draws from the organization request bucket shared with /v1, with RateLimit headers', async (t) => {
  const app = await world.start();
  const account = await budgetedAccount(app, 3);
  const first = await app.get(`/organizations/${account.orgId}/api_keys`, { auth: account.token });
  t.is(first.status, 200);
  t.is(first.headers.get('ratelimit-policy'), '3;w=600');
  t.is(first.headers.get('ratelimit-limit'), '3');
  t.is(first.headers.get('ratelimit-remaining'), '2');
  t.is((await app.get('/v1/health', { auth: account.key })).status, 200, 'the same bucket as /v1');
  t.is((await app.get(`/organizations/${account.orgId}/inboxes`, { auth: account.token })).status, 200);
  for (const path of ['api_keys', 'inboxes', 'webhooks']) {
    const over = await app.get(`/organizations/${account.orgId}/${path}`, { auth: account.token });
    t.is(over.status, 429, path);
    t.is(over.body.code, 'rate_limited');
    t.truthy(over.headers.get('retry-after'));
  }
  t.is((await app.get('/v1/health', { auth: account.key })).status, 429);
  // The organization object itself (GET/PATCH /organizations/:orgId) stays reachable, so an
  // owner can always see and change the budget.
  t.is((await app.get(`/organizations/${account.orgId}`, { auth: account.token })).status, 200);
});

test(`webhooks per organization are capped at ${MAX_WEBHOOKS_PER_ORGANIZATION}: 409 too_many_webhooks past it, nothing stored`, async (t) => {
  const app = await world.start();
  const account = await register(app);
  const create = (i: number) => app.post('/v1/webhooks', { auth: account.key, body: { url: `https://hooks.example.com/${i}`, events: ['message.sent'] } });
  const ids: string[] = [];
  for (let i = 0; i < MAX_WEBHOOKS_PER_ORGANIZATION; i++) {
    const res = await create(i);
    t.is(res.status, 201);
    ids.push(res.body.id);
  }
  const over = await create(99);
  t.is(over.status, 409);
  t.is(over.body.code, 'too_many_webhooks');
  t.regex(over.body.error, new RegExp(`${MAX_WEBHOOKS_PER_ORGANIZATION}`));
  const viaToken = await app.post(`/organizations/${account.orgId}/webhooks`, { auth: account.token, body: { url: 'https://hooks.example.com/t', events: ['message.sent'] } });
  t.is(viaToken.status, 409);
  t.is((await app.get('/v1/webhooks?limit=100', { auth: account.key })).body.length, MAX_WEBHOOKS_PER_ORGANIZATION);
  t.is((await app.delete(`/v1/webhooks/${ids[0]}`, { auth: account.key })).status, 200);
  t.is((await create(100)).status, 201, 'room again after a delete');
});
