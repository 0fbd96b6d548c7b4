import test from 'ava';
import { register, TestWorld, type TestApp } from './helpers/testApp';

let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start();
});
test.after.always(() => world?.close());

test('register creates the user, a default organization, a default key and a token', async (t) => {
  const email = `New-${Date.now()}@Example.test`;
  const res = await app.post('/auth/register', { body: { email, password: 'long enough pw', first_name: 'Ada', last_name: 'L' } });
  t.is(res.status, 201);
  t.is(res.body.user.email, email.toLowerCase());
  t.is(res.body.user._id, res.body.user.id);
  t.false('passwordHash' in res.body.user || 'password_hash' in res.body.user || 'password' in res.body.user);
  t.is(res.body.organization.name, 'Default Organization');
  t.is(res.body.apiKey.name, 'Default API Key');
  t.regex(res.body.apiKey.key, /^sndk_/);
  t.is(res.body.apiKey.start, res.body.apiKey.key.slice(0, 9));
  t.regex(res.body.token, /^sndt_/);
  t.regex(res.body.user.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const health = await app.get('/v1/health', { auth: res.body.apiKey.key });
  t.is(health.status, 200);
  t.is(health.body.organizationId, res.body.organization.id);
});

// Serial: it counts rows, so no other test of this file may be registering at the same time.
test.serial('a duplicate email (any case) is 409 email_taken and creates nothing', async (t) => {
  const account = await register(app);
  const before = await app.deps.knex('organizations').count({ n: '*' }).first();
  const res = await app.post('/auth/register', {
    body: { email: account.email.toUpperCase(), password: 'another password', first_name: 'X', last_name: 'Y' },
  });
  t.is(res.status, 409);
  t.is(res.body.code, 'email_taken');
  const after = await app.deps.knex('organizations').count({ n: '*' }).first();
  t.deepEqual(after, before);
});

test('each registration validation error is a 400 with details and stores nothing', async (t) => {
  const valid = { email: `v-${Date.now()}@example.test`, password: 'long enough pw', first_name: 'A', last_name: 'B' };
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...valid, email: 'not-an-email' }, 'email'],
    [{ ...valid, password: 'short' }, 'password'],
    [{ ...valid, password: 'x'.repeat(73) }, 'password'],
    [{ ...valid, first_name: '' }, 'first_name'],
    [{ ...valid, last_name: 42 }, 'last_name'],
    [{ ...valid, extra: true }, '(body)'],
    [{ email: valid.email }, 'password'],
  ];
  for (const [body, field] of cases) {
    const res = await app.post('/auth/register', { body });
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.code, 'validation_failed');
    t.true(res.body.details.some((d: { path: string }) => d.path === field), `${field}: ${JSON.stringify(res.body.details)}`);
  }
  t.is(await app.deps.knex('users').where({ email: valid.email }).first(), undefined);
});

test('login with the right password returns a working token; a wrong one is 401 invalid_credentials', async (t) => {
  const account = await register(app);
  const ok = await app.post('/auth/login', { body: { email: account.email, password: account.password } });
  t.is(ok.status, 200);
  t.is((await app.get('/auth/user', { auth: ok.body.token })).status, 200);

  const wrong = await app.post('/auth/login', { body: { email: account.email, password: 'wrong password' } });
  t.is(wrong.status, 401);
  t.is(wrong.body.code, 'invalid_credentials');
  t.is(wrong.headers.get('www-authenticate'), 'Bearer realm="sendook", error="invalid_token"');
  const unknown = await app.post('/auth/login', { body: { email: 'nobody@example.test', password: 'whatever pw' } });
  t.is(unknown.body.code, 'invalid_credentials');
});

// RFC 6750 §3.1: a request with no credentials gets no error code.
test('token routes: no token is a bare Bearer challenge, a bad token carries error="invalid_token"', async (t) => {
  for (const path of ['/auth/user', '/organizations']) {
    const none = await app.get(path);
    t.is(none.status, 401, path);
    t.is(none.body.code, 'missing_token');
    t.is(none.headers.get('www-authenticate'), 'Bearer realm="sendook"', path);
    const bad = await app.get(path, { auth: 'sndt_nonsense' });
    t.is(bad.status, 401, path);
    t.is(bad.headers.get('www-authenticate'), 'Bearer realm="sendook", error="invalid_token"', path);
  }
});

test('GET /auth/user returns the user with its organizations', async (t) => {
  const account = await register(app);
  const res = await app.get('/auth/user', { auth: account.token });
  t.is(res.status, 200);
  t.is(res.body.id, account.userId);
  t.deepEqual(res.body.organizations.map((o: { id: string }) => o.id), [account.orgId]);
});

test('an API key on /auth/user is 401; no token is missing_token', async (t) => {
  const account = await register(app);
  const withKey = await app.get('/auth/user', { auth: account.key });
  t.is(withKey.status, 401);
  t.is(withKey.body.code, 'malformed_token');
  const none = await app.get('/auth/user');
  t.is(none.status, 401);
  t.is(none.body.code, 'missing_token');
});

test('logout revokes that token only', async (t) => {
  const account = await register(app);
  const second = await app.post('/auth/login', { body: { email: account.email, password: account.password } });
  const out = await app.post('/auth/logout', { auth: account.token });
  t.deepEqual(out.body, { success: true });
  const after = await app.get('/auth/user', { auth: account.token });
  t.is(after.status, 401);
  t.is(after.body.code, 'invalid_token');
  t.is((await app.get('/auth/user', { auth: second.body.token })).status, 200);
});

test('credentials in the query string are ignored', async (t) => {
  const account = await register(app);
  const res = await app.get(`/auth/user?access_token=${account.token}`);
  t.is(res.status, 401);
  const v1 = await app.get(`/v1/health?api_key=${account.key}&access_token=${account.key}`);
  t.is(v1.body.code, 'missing_api_key');
});

test('an expired access token is 401 token_expired', async (t) => {
  const account = await register(app);
  await app.deps.knex('access_tokens').where({ user_id: account.userId }).update({ expires_at: Date.now() - 1000 });
  const res = await app.get('/auth/user', { auth: account.token });
  t.is(res.status, 401);
  t.is(res.body.code, 'token_expired');
});
