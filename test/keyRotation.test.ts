import test from 'ava';
import { hashSecret } from '../app/lib/credentials';
import { createKey, register, TestWorld, type TestApp } from './helpers/testApp';

// POST /v1/api_keys/:id/roll (docs/keys.md, "Rolling a key"), on two instances sharing MySQL and
// Redis as in production: the end of the grace must hold on both at that moment.
let world: TestWorld;
let a: TestApp;
let b: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  [a, b] = await Promise.all([world.start(), world.start()]);
});
test.after.always(() => world?.close());

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

test('a roll answers the successor once with its secret; the old key works on every instance until the grace ends, then neither admits it', async (t) => {
  const account = await register(a);
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
  const inbox = (await a.get('/v1/inboxes', { auth: account.key })).body[0].id as string;
  const old = await a.post(`/organizations/${account.orgId}/api_keys`, {
    auth: account.token,
    body: { name: 'deploy', expiresAt, scopes: ['inboxes:read', 'api_keys:read'], inboxIds: [inbox] },
  });
  // Both instances hold the old record (without the end of grace) in their in-process tier. A fill
  // is skipped when an invalidation (another test's key change) lands meanwhile: ask again, bounded.
  for (const app of [a, b]) {
    for (let i = 0; i < 20 && !app.deps.keyCache.hasLocal(hashSecret(old.body.key)); i++) t.is((await app.get('/v1/health', { auth: old.body.key })).status, 200);
    t.true(app.deps.keyCache.hasLocal(hashSecret(old.body.key)));
  }

  const rolled = await a.post(`/v1/api_keys/${old.body.id}/roll`, { auth: account.key, body: { graceSeconds: 2 } });
  t.is(rolled.status, 201);
  t.regex(rolled.body.key, /^sndk_/);
  t.like(rolled.body, { name: 'deploy', scopes: ['inboxes:read', 'api_keys:read'], inboxIds: [inbox], expiresAt, rolledFrom: old.body.id, rolledTo: null, active: true });
  t.not(rolled.body.id, old.body.id);

  const before = await a.get(`/v1/api_keys/${old.body.id}`, { auth: account.key });
  t.is(before.body.rolledTo, rolled.body.id);
  const endOfGrace = Date.parse(before.body.expiresAt);
  t.true(Math.abs(endOfGrace - (Date.parse(rolled.body.createdAt) + 2000)) <= 5, 'expiresAt is the end of the grace');
  t.false('key' in before.body);
  for (const app of [a, b]) {
    t.is((await app.get('/v1/health', { auth: rolled.body.key })).status, 200, 'the successor works everywhere at once');
    if (Date.now() < endOfGrace - 200) t.is((await app.get('/v1/health', { auth: old.body.key })).status, 200, 'the old key works during the grace');
  }

  await sleepUntil(endOfGrace + 20);
  for (const app of [a, b]) {
    const refused = await app.get('/v1/health', { auth: old.body.key });
    t.is(refused.status, 401, 'refused at the end of the grace, without waiting for a cache TTL');
    t.is(refused.body.code, 'api_key_expired');
    t.is((await app.get('/v1/health', { auth: rolled.body.key })).status, 200);
  }
});

test('graceSeconds 0 ends the old key now; the default grace is a day', async (t) => {
  const account = await register(a);
  const now = await createKey(a, account);
  const later = await createKey(a, account);
  await b.get('/v1/health', { auth: now.key });
  const rolled = await a.post(`/v1/api_keys/${now.id}/roll`, { auth: account.key, body: { graceSeconds: 0 } });
  t.is(rolled.status, 201);
  t.is((await a.get('/v1/health', { auth: now.key })).body.code, 'api_key_expired', 'the rolling instance refuses at once');
  const took = Date.now();
  while ((await b.get('/v1/health', { auth: now.key })).status === 200 && Date.now() - took < 1000) await new Promise((r) => setTimeout(r, 20));
  t.is((await b.get('/v1/health', { auth: now.key })).body.code, 'api_key_expired', 'the other instance within a second');

  const byDefault = await a.post(`/v1/api_keys/${later.id}/roll`, { auth: account.key });
  t.is(byDefault.status, 201);
  const old = await a.get(`/v1/api_keys/${later.id}`, { auth: account.key });
  t.true(Math.abs(Date.parse(old.body.expiresAt) - Date.parse(byDefault.body.createdAt) - 86_400_000) <= 5);
  t.is((await b.get('/v1/health', { auth: later.key })).status, 200);
});

test('a key is rolled once: again (during its grace or after) is 409 naming the successor, which may itself be rolled', async (t) => {
  const account = await register(a);
  const key = await createKey(a, account);
  const first = await a.post(`/v1/api_keys/${key.id}/roll`, { auth: account.key, body: { graceSeconds: 60 } });
  t.is(first.status, 201);
  const again = await b.post(`/v1/api_keys/${key.id}/roll`, { auth: account.key, body: { graceSeconds: 60 } });
  t.is(again.status, 409);
  t.is(again.body.code, 'conflict');
  t.true(again.body.error.includes(first.body.id));
  const chained = await b.post(`/v1/api_keys/${first.body.id}/roll`, { auth: account.key, body: { graceSeconds: 60 } });
  t.is(chained.status, 201);
  t.is(chained.body.rolledFrom, first.body.id);
  // The first key's grace is its own: rolling its successor does not change it.
  for (const k of [key.key, first.body.key, chained.body.key]) t.is((await a.get('/v1/health', { auth: k })).status, 200);
  const keys = (await a.get('/v1/api_keys', { auth: account.key })).body as { id: string }[];
  t.is(keys.length, 4, 'the default key, the original and two successors; no extra key from the 409');
});

test('two concurrent rolls of one key give one successor and one 409', async (t) => {
  const account = await register(a);
  const key = await createKey(a, account);
  const results = await Promise.all([a, b, a, b].map((app) => app.post(`/v1/api_keys/${key.id}/roll`, { auth: account.key, body: { graceSeconds: 60 } })));
  t.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409]);
  t.is((await a.get('/v1/api_keys', { auth: account.key })).body.length, 3);
});

test('rolling a deactivated key replaces it at once (the leaked-key case); deleted is 404, expired 409', async (t) => {
  const account = await register(a);
  const leaked = await createKey(a, account);
  await a.patch(`/v1/api_keys/${leaked.id}`, { auth: account.key, body: { active: false } });
  const replaced = await a.post(`/v1/api_keys/${leaked.id}/roll`, { auth: account.key, body: { graceSeconds: 3600 } });
  t.is(replaced.status, 201);
  t.true(replaced.body.active);
  t.is((await b.get('/v1/health', { auth: replaced.body.key })).status, 200);
  const old = await a.get(`/v1/api_keys/${leaked.id}`, { auth: account.key });
  t.true(Date.parse(old.body.expiresAt) <= Date.now(), 'no grace for a key already switched off');
  // Switching it back on does not revive it: its grace is over.
  await a.patch(`/v1/api_keys/${leaked.id}`, { auth: account.key, body: { active: true } });
  t.is((await a.get('/v1/health', { auth: leaked.key })).body.code, 'api_key_expired');

  const deleted = await createKey(a, account);
  await a.delete(`/v1/api_keys/${deleted.id}`, { auth: account.key });
  const gone = await a.post(`/v1/api_keys/${deleted.id}/roll`, { auth: account.key });
  t.is(gone.status, 404);
  t.is(gone.body.code, 'not_found');

  const expiring = await createKey(a, account, { name: 'short', expiresAt: new Date(Date.now() + 800).toISOString() });
  await sleepUntil(Date.now() + 900);
  const expired = await a.post(`/v1/api_keys/${expiring.id}/roll`, { auth: account.key });
  t.is(expired.status, 409);
  t.is(expired.body.code, 'conflict');
});

test('bad graceSeconds are 400 and roll nothing; another organization\'s key is 404', async (t) => {
  const account = await register(a);
  const other = await register(a);
  const key = await createKey(a, account);
  for (const body of [{ graceSeconds: -1 }, { graceSeconds: 604_801 }, { graceSeconds: 1.5 }, { graceSeconds: '60' }, { grace: 60 }]) {
    const res = await a.post(`/v1/api_keys/${key.id}/roll`, { auth: account.key, body });
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.code, 'validation_failed');
  }
  t.is((await a.post(`/v1/api_keys/${key.id}/roll`, { auth: other.key })).status, 404);
  const unchanged = await a.get(`/v1/api_keys/${key.id}`, { auth: account.key });
  t.like(unchanged.body, { rolledTo: null, expiresAt: null });
  t.is((await a.post(`/v1/api_keys/${key.id}/roll`, { auth: account.key, body: { graceSeconds: 604_800 } })).status, 201);
});

test('a member rolls through /organizations/:orgId/api_keys/:id/roll with a token', async (t) => {
  const account = await register(a);
  const res = await a.post(`/organizations/${account.orgId}/api_keys/${account.keyId}/roll`, { auth: account.token, body: { graceSeconds: 1 } });
  t.is(res.status, 201);
  t.is(res.body.rolledFrom, account.keyId);
  t.is((await b.get('/v1/health', { auth: res.body.key })).status, 200);
});
