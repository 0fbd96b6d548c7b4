import test from 'ava';
import fc from 'fast-check';
import { API_KEY_PREFIX, generateSecret } from '../app/lib/credentials';
import { getFrom } from './helpers/fromAddress';
import { register, TestWorld, type Account, type Reply, type TestApp } from './helpers/testApp';

let world: TestWorld;
let app: TestApp;
let account: Account;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start({ RATE_LIMIT_POINTS: '100000', AUTH_FAIL_POINTS: '100000' });
  account = await register(app);
});
test.after.always(() => world?.close());

/** What every answer to a client's mistake must look like. */
type Asserts = { true(v: boolean, m?: string): void; is(a: unknown, b: unknown, m?: string): void };
function assertSafe(t: Asserts, res: Pick<Reply, 'status' | 'body'>, label: string, secrets: string[] = [account.token, account.key]) {
  t.true(res.status < 500, `${label}: ${res.status} ${JSON.stringify(res.body)}`);
  const text = JSON.stringify(res.body ?? '');
  t.true(!/\bat .+\.(ts|js):\d+/.test(text) && !text.includes('node_modules'), `${label}: stack in ${text}`);
  t.true(secrets.every((secret) => !text.includes(secret)), `${label}: a secret in the response`);
  if (res.status >= 400) {
    t.is(typeof res.body?.error, 'string', label);
    t.is(typeof res.body?.code, 'string', label);
    t.is(typeof res.body?.requestId, 'string', label);
  }
}

// Header values Node can send: tab, printable ASCII, Latin-1.
const headerValue = fc
  .oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 80 }),
    fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
    fc.constantFrom('sndk_', 'sndt_', 'Bearer sndk_', 'bearer  sndk_').chain((p) => fc.string({ unit: fc.constantFrom(...'0123456789AZaz'), maxLength: 45 }).map((s) => p + s)),
  )
  .map((v) => v.replace(/[^\t\x20-\x7e\x80-\xff]/g, ''));

test('any Authorization header: a 401 with the envelope, never a 5xx, a stack or a secret', async (t) => {
  await fc.assert(
    fc.asyncProperty(headerValue, async (value) => {
      for (const path of ['/v1/health', '/v1/api_keys', '/auth/user', `/organizations/${account.orgId}`]) {
        const res = await getFrom('127.0.0.1', app.url + path, { authorization: value });
        assertSafe(t, res, `${path} ${JSON.stringify(value)}`);
        t.true([401, 429].includes(res.status), `${path} ${JSON.stringify(value)} → ${res.status}`);
      }
    }),
    { numRuns: 60 },
  );
});

const fieldNames = ['name', 'email', 'password', 'first_name', 'last_name', 'active', 'expiresAt', 'rateLimitPoints', 'rateLimitDuration', 'to', 'subject', 'text', 'html', 'attachments', 'url', 'events', 'x'];
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...fieldNames), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string(), fc.integer(), fc.double())),
);

// Serial: it counts users, so no other test of this file may register at the same time.
test.serial('any JSON body on every write route: never a 5xx, and nothing stored from a rejected request', async (t) => {
  // An account of its own: the other tests of this file create keys too.
  const account = await register(app);
  const inboxId = (await app.get('/v1/inboxes', { auth: account.key })).body[0].id as string;
  const routes: Array<[string, string, string]> = [
    ['POST', '/v1/inboxes', account.key],
    ['PATCH', `/v1/inboxes/${inboxId}`, account.key],
    ['POST', `/v1/inboxes/${inboxId}/messages/send`, account.key],
    ['POST', '/v1/webhooks', account.key],
    ['POST', `/organizations/${account.orgId}/inboxes`, account.token],
    ['POST', '/v1/api_keys', account.key],
    ['PATCH', `/v1/api_keys/${account.keyId}`, account.key],
    ['POST', `/organizations/${account.orgId}/api_keys`, account.token],
    ['PATCH', `/organizations/${account.orgId}/api_keys/${account.keyId}`, account.token],
    ['POST', '/organizations', account.token],
    ['PATCH', `/organizations/${account.orgId}`, account.token],
    ['POST', '/auth/register', ''],
    ['POST', '/auth/login', ''],
  ];
  const created = { keys: 0, orgs: 0, users: 0, inboxes: 0, webhooks: 0, messages: 0 };
  const countFor = async (table: string) =>
    Number((await app.deps.knex(table).where({ organization_id: account.orgId }).count({ n: '*' }).first())!.n);
  const before = { inboxes: await countFor('inboxes'), webhooks: await countFor('webhooks'), messages: await countFor('messages') };
  const usersBefore = Number((await app.deps.knex('users').count({ n: '*' }).first())!.n);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, path, auth], payload) => {
      const res = await app.request(method, path, { auth: auth || undefined, body: payload });
      assertSafe(t, res, `${method} ${path} ${JSON.stringify(payload)}`, [account.token, account.key]);
      if (res.status === 201 && path.endsWith('/api_keys')) created.keys++;
      if (res.status === 201 && path === '/organizations') created.orgs++;
      if (res.status === 201 && path === '/auth/register') created.users++;
      if (res.status === 201 && path.endsWith('/inboxes')) created.inboxes++;
      if (res.status === 201 && path.endsWith('/webhooks')) created.webhooks++;
      if (res.status === 201 && path.endsWith('/send')) created.messages++;
      // Keep the account's own key usable for the next runs.
      // A generated PATCH may deactivate the key the next runs need: switch it back on.
      if (res.status === 200 && path.includes('/api_keys/')) {
        await app.patch(`/organizations/${account.orgId}/api_keys/${account.keyId}`, { auth: account.token, body: { active: true } });
      }
    }),
    { numRuns: 200 },
  );
  const keys = await app.deps.knex('api_keys').where({ organization_id: account.orgId }).count({ n: '*' }).first();
  t.is(Number(keys!.n), 1 + created.keys);
  const orgs = await app.deps.knex('organization_members').where({ user_id: account.userId }).count({ n: '*' }).first();
  t.is(Number(orgs!.n), 1 + created.orgs);
  const users = await app.deps.knex('users').count({ n: '*' }).first();
  t.is(Number(users!.n), usersBefore + created.users);
  t.is(await countFor('inboxes'), before.inboxes + created.inboxes);
  t.is(await countFor('webhooks'), before.webhooks + created.webhooks);
  t.is(await countFor('messages'), before.messages + created.messages);
});

test('explicit hostile Authorization headers', async (t) => {
  const send = (value: string) => getFrom('127.0.0.1', `${app.url}/v1/health`, { authorization: value });
  // HTTP drops trailing whitespace from header values, so an empty bearer is a missing one.
  t.is((await send('Bearer ')).body.code, 'missing_api_key');
  t.is((await send('Bearer      ')).body.code, 'missing_api_key');
  t.is((await send('Bearer  x')).body.code, 'malformed_api_key');
  t.is((await send(`Bearer Bearer ${account.key}`)).body.code, 'malformed_api_key');
  t.is((await send(`bearer ${account.key}`)).status, 200, 'the scheme is case-insensitive');
  t.is((await send(`BEARER ${account.key}`)).status, 200);
  t.is((await send(`Basic ${account.key}`)).body.code, 'missing_api_key');
  const wrongChecksum = account.key.slice(0, -6) + (account.key.endsWith('000000') ? '111111' : '000000');
  t.is((await send(`Bearer ${wrongChecksum}`)).body.code, 'malformed_api_key');
  t.is((await send(`Bearer ${account.key}\t`)).status, 200, 'surrounding whitespace is not part of the key');
});

test('explicit hostile bodies: invalid UTF-8, a 1 MB string, deep nesting, SQL-looking text', async (t) => {
  const post = (rawBody: Buffer | string) =>
    app.post('/v1/api_keys', { auth: account.key, rawBody, headers: { 'content-type': 'application/json' } });
  const invalidUtf8 = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
  const bad = await post(invalidUtf8);
  t.is(bad.status, 400);
  t.is(bad.body.code, 'invalid_json');
  const huge = await post(JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
  t.is(huge.status, 413);
  t.is(huge.body.code, 'payload_too_large');
  const deep = await post('['.repeat(100_000) + ']'.repeat(100_000));
  t.is(deep.status, 400);
  t.is(deep.body.code, 'validation_failed');
  const deepObject = await post('{"name":'.repeat(20_000) + '"x"' + '}'.repeat(20_000));
  t.is(deepObject.status, 400);

  const sqlish = `Robert'); DROP TABLE api_keys;-- " \\ % _ ' OR '1'='1`;
  const created = await app.post('/v1/api_keys', { auth: account.key, body: { name: sqlish } });
  t.is(created.status, 201);
  t.is(created.body.name, sqlish);
  t.is((await app.get(`/v1/api_keys/${created.body.id}`, { auth: account.key })).body.name, sqlish);
  await app.delete(`/v1/api_keys/${created.body.id}`, { auth: account.key });
});

test('key guessing at speed: throttled after the configured failures, with bounded MySQL work', async (t) => {
  const guarded = await world.start({ AUTH_FAIL_POINTS: '10', AUTH_FAIL_DURATION: '60', AUTH_FAIL_BLOCK: '60' });
  const victim = await register(guarded);
  const before = guarded.deps.counters.snapshot();
  const codes: string[] = [];
  for (let i = 0; i < 200; i++) {
    codes.push((await getFrom('127.0.0.5', `${guarded.url}/v1/health`, { authorization: `Bearer ${generateSecret(API_KEY_PREFIX)}` })).body.code);
  }
  const after = guarded.deps.counters.snapshot();
  t.is(codes.filter((c) => c === 'invalid_api_key').length, 10);
  t.is(codes.filter((c) => c === 'too_many_failed_attempts').length, 190);
  // One key lookup per guess up to the one that crosses the budget (10 + 1), none after it.
  t.is(after.keyLookupQueries - before.keyLookupQueries, 11);
  t.is((await getFrom('127.0.0.6', `${guarded.url}/v1/health`, { authorization: `Bearer ${victim.key}` })).status, 200, 'other clients are not affected');
});
