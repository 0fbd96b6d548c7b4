import test from 'ava';
import { generateSecret, API_KEY_PREFIX } from '../app/lib/credentials';
import { listKeys } from './helpers/services';
import { createKey, register, TestWorld, type TestApp } from './helpers/testApp';

let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start();
});
test.after.always(() => world?.close());

const KEY_FIELDS = ['_id', 'id', 'name', 'start', 'organizationId', 'active', 'expiresAt', 'lastUsedAt', 'scopes', 'inboxIds', 'rolledTo', 'rolledFrom', 'createdAt', 'updatedAt'];

test('create returns the key once; list and get never include it', async (t) => {
  const account = await register(app);
  const created = await app.post('/v1/api_keys', { auth: account.key, body: { name: 'Production' } });
  t.is(created.status, 201);
  t.deepEqual(Object.keys(created.body).sort(), [...KEY_FIELDS, 'key'].sort());
  t.regex(created.body.key, /^sndk_[0-9A-Za-z]{38}$/);
  t.is(created.body.organizationId, account.orgId);

  const list = await app.get('/v1/api_keys', { auth: account.key });
  t.true(Array.isArray(list.body));
  t.deepEqual(list.body.map((k: { name: string }) => k.name), ['Production', 'Default API Key']);
  for (const k of list.body) t.deepEqual(Object.keys(k).sort(), [...KEY_FIELDS].sort());
  const one = await app.get(`/v1/api_keys/${created.body.id}`, { auth: account.key });
  t.false('key' in one.body);
  t.is(JSON.stringify(one.body).includes(created.body.key), false);

  t.is((await app.get('/v1/health', { auth: created.body.key })).status, 200);
});

test('the database and Redis hold only the SHA-256 of a key, never the key', async (t) => {
  const account = await register(app);
  const { key } = await createKey(app, account);
  await app.get('/v1/health', { auth: key });
  const rows = await app.deps.knex('api_keys').where({ organization_id: account.orgId });
  t.false(JSON.stringify(rows).includes(key));
  const redis = app.deps.redis!;
  const names: string[] = [];
  names.push(...(await listKeys(redis, `${world.redisPrefix}*`)));
  const values = await Promise.all(names.map(async (n) => ((await redis.type(n)) === 'string' ? redis.get(n) : JSON.stringify(await redis.hgetall(n)))));
  t.false(JSON.stringify({ names, values }).includes(key));
  t.false(JSON.stringify({ names, values }).includes(key.slice(5, 37)));
});

test('a key deleted through the API is refused on its very next request', async (t) => {
  const account = await register(app);
  const extra = await createKey(app, account);
  t.is((await app.get('/v1/health', { auth: extra.key })).status, 200);
  const deleted = await app.delete(`/v1/api_keys/${extra.id}`, { auth: account.key });
  t.is(deleted.status, 200);
  t.is(deleted.body._id, extra.id);
  t.false(deleted.body.active);
  const next = await app.get('/v1/health', { auth: extra.key });
  t.is(next.status, 401);
  t.is(next.body.code, 'invalid_api_key');
  t.is((await app.get(`/v1/api_keys/${extra.id}`, { auth: account.key })).status, 404);
  t.false((await app.get('/v1/api_keys', { auth: account.key })).body.some((k: { id: string }) => k.id === extra.id));
});

test('a deactivated key is 401 api_key_inactive until reactivated', async (t) => {
  const account = await register(app);
  const extra = await createKey(app, account);
  await app.get('/v1/health', { auth: extra.key });
  const off = await app.patch(`/v1/api_keys/${extra.id}`, { auth: account.key, body: { active: false } });
  t.is(off.status, 200);
  t.false(off.body.active);
  const refused = await app.get('/v1/health', { auth: extra.key });
  t.is(refused.status, 401);
  t.is(refused.body.code, 'api_key_inactive');
  t.is(refused.headers.get('www-authenticate'), 'Bearer realm="sendook", error="invalid_token"');
  await app.patch(`/v1/api_keys/${extra.id}`, { auth: account.key, body: { active: true } });
  t.is((await app.get('/v1/health', { auth: extra.key })).status, 200);
});

test('an expired key is 401 api_key_expired', async (t) => {
  const account = await register(app);
  // Long enough that creating the key and the first request end before it on a loaded machine.
  const expiry = Date.now() + 8000;
  const extra = await createKey(app, account, { name: 'short-lived', expiresAt: new Date(expiry).toISOString() });
  t.is((await app.get('/v1/health', { auth: extra.key })).status, 200);
  await new Promise((r) => setTimeout(r, Math.max(0, expiry - Date.now() + 50)));
  const res = await app.get('/v1/health', { auth: extra.key });
  t.is(res.status, 401);
  t.is(res.body.code, 'api_key_expired');
});

test('no header, another scheme, a malformed key and an unknown key are told apart', async (t) => {
  const none = await app.get('/v1/health');
  t.is(none.status, 401);
  t.is(none.body.code, 'missing_api_key');
  // No credentials at all get the challenge without an error code (RFC 6750 §3.1).
  t.is(none.headers.get('www-authenticate'), 'Bearer realm="sendook"');
  const basic = await app.get('/v1/health', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
  t.is(basic.body.code, 'missing_api_key');
  t.is(basic.headers.get('www-authenticate'), 'Bearer realm="sendook"');
  const malformed = await app.get('/v1/health', { auth: 'sndk_short' });
  t.is(malformed.body.code, 'malformed_api_key');
  t.is(malformed.headers.get('www-authenticate'), 'Bearer realm="sendook", error="invalid_token"');
  const unknown = await app.get('/v1/health', { auth: generateSecret(API_KEY_PREFIX) });
  t.is(unknown.status, 401);
  t.is(unknown.body.code, 'invalid_api_key');
  t.is(unknown.headers.get('www-authenticate'), 'Bearer realm="sendook", error="invalid_token"');
});

test('an access token on /v1 is 401', async (t) => {
  const account = await register(app);
  const res = await app.get('/v1/health', { auth: account.token });
  t.is(res.status, 401);
  t.is(res.body.code, 'malformed_api_key');
});

test("another organization's key id is 404 for get, update and delete, and changes nothing", async (t) => {
  const alice = await register(app);
  const bob = await register(app);
  for (const [method, body] of [['get'], ['patch', { active: false }], ['delete']] as const) {
    const res = await app.request(method.toUpperCase(), `/v1/api_keys/${bob.keyId}`, { auth: alice.key, body });
    t.is(res.status, 404, method);
    t.is(res.body.code, 'not_found');
  }
  t.is((await app.get('/v1/health', { auth: bob.key })).status, 200);
  const orgRoute = await app.get(`/organizations/${bob.orgId}/api_keys/${bob.keyId}`, { auth: alice.token });
  t.is(orgRoute.status, 404);
});

test('validation errors are 400 with details and store nothing', async (t) => {
  const account = await register(app);
  const cases: Array<[unknown, string]> = [
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 12 }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ name: 'ok', expiresAt: 'tomorrow' }, 'expiresAt'],
    [{ name: 'ok', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
    [{ name: 'ok', admin: true }, '(body)'],
  ];
  for (const [body, field] of cases) {
    const res = await app.post('/v1/api_keys', { auth: account.key, body });
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.code, 'validation_failed');
    t.true(res.body.details.some((d: { path: string }) => d.path === field), JSON.stringify(res.body.details));
  }
  const patch = await app.patch(`/v1/api_keys/${account.keyId}`, { auth: account.key, body: { active: 'no' } });
  t.is(patch.status, 400);
  t.is((await app.get('/v1/api_keys', { auth: account.key })).body.length, 1);
  const badId = await app.get('/v1/api_keys/not-an-id', { auth: account.key });
  t.is(badId.status, 404);
});

test('lists are paginated newest first with limit and before', async (t) => {
  const account = await register(app);
  for (let i = 0; i < 4; i++) await createKey(app, account, { name: `k${i}` });
  const first = await app.get('/v1/api_keys?limit=2', { auth: account.key });
  t.deepEqual(first.body.map((k: { name: string }) => k.name), ['k3', 'k2']);
  const next = await app.get(`/v1/api_keys?limit=2&before=${first.body[1].id}`, { auth: account.key });
  t.deepEqual(next.body.map((k: { name: string }) => k.name), ['k1', 'k0']);
  for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'limit=1e400', 'limit=99999999999999999999', 'before=zzz']) {
    const res = await app.get(`/v1/api_keys?${bad}`, { auth: account.key });
    t.is(res.status, 400, bad);
    t.is(res.body.code, 'validation_failed');
  }
});

test('the same router serves /organizations/:orgId/api_keys for members with a token', async (t) => {
  const account = await register(app);
  const created = await app.post(`/organizations/${account.orgId}/api_keys`, { auth: account.token, body: { name: 'Staging' } });
  t.is(created.status, 201);
  t.truthy(created.body.key);
  const list = await app.get(`/organizations/${account.orgId}/api_keys`, { auth: account.token });
  t.is(list.body.length, 2);
  const deleted = await app.delete(`/organizations/${account.orgId}/api_keys/${created.body.id}`, { auth: account.token });
  t.is(deleted.status, 200);
  t.is((await app.get('/v1/health', { auth: created.body.key })).status, 401);
  // An API key is not an access token.
  t.is((await app.get(`/organizations/${account.orgId}/api_keys`, { auth: account.key })).status, 401);
});

test('lastUsedAt is kept without a write per request and flushed at most once per interval', async (t) => {
  // An instance of its own, so other tests' traffic does not move its counters.
  const app = await world.start();
  const account = await register(app);
  await app.get('/v1/health', { auth: account.key });
  const before = app.deps.counters.mysqlQueries;
  for (let i = 0; i < 5; i++) await app.get('/v1/health', { auth: account.key });
  const shown = await app.get(`/v1/api_keys/${account.keyId}`, { auth: account.key });
  t.truthy(shown.body.lastUsedAt);
  // the only query in between was the GET /v1/api_keys/:id read itself
  t.is(app.deps.counters.mysqlQueries - before, 1);
  await app.deps.lastUsed.flush();
  const row = await app.deps.knex('api_keys').where({ id: account.keyId }).first();
  t.truthy(row.last_used_at);
});
