import test from 'ava';
import { register, TestWorld, type TestApp } from './helpers/testApp';

let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start();
});
test.after.always(() => world?.close());

test('a user lists, creates and reads its organizations', async (t) => {
  const account = await register(app);
  const created = await app.post('/organizations', { auth: account.token, body: { name: 'Acme' } });
  t.is(created.status, 201);
  t.is(created.body.name, 'Acme');
  t.is(created.body._id, created.body.id);
  const list = await app.get('/organizations', { auth: account.token });
  t.deepEqual(list.body.map((o: { name: string }) => o.name), ['Acme', 'Default Organization']);
  const one = await app.get(`/organizations/${created.body.id}`, { auth: account.token });
  t.is(one.body.id, created.body.id);
  // A key for the new organization works on /v1 and belongs to it.
  const key = await app.post(`/organizations/${created.body.id}/api_keys`, { auth: account.token, body: { name: 'k' } });
  t.is((await app.get('/v1/health', { auth: key.body.key })).body.organizationId, created.body.id);
});

test('a non-member gets 404 for an organization and everything under it, and changes nothing', async (t) => {
  const owner = await register(app);
  const stranger = await register(app);
  const paths = [`/organizations/${owner.orgId}`, `/organizations/${owner.orgId}/api_keys`, `/organizations/${owner.orgId}/api_keys/${owner.keyId}`];
  for (const path of paths) {
    const res = await app.get(path, { auth: stranger.token });
    t.is(res.status, 404, path);
    t.is(res.body.code, 'not_found');
  }
  const patch = await app.patch(`/organizations/${owner.orgId}`, { auth: stranger.token, body: { name: 'pwned' } });
  t.is(patch.status, 404);
  const del = await app.delete(`/organizations/${owner.orgId}/api_keys/${owner.keyId}`, { auth: stranger.token });
  t.is(del.status, 404);
  const post = await app.post(`/organizations/${owner.orgId}/api_keys`, { auth: stranger.token, body: { name: 'x' } });
  t.is(post.status, 404);
  t.is((await app.get(`/organizations/${owner.orgId}`, { auth: owner.token })).body.name, 'Default Organization');
  t.is((await app.get('/v1/api_keys', { auth: owner.key })).body.length, 1);
  t.is((await app.get('/organizations/not-an-id', { auth: stranger.token })).status, 404);
});

test('owners set and clear the per-organization budget', async (t) => {
  const account = await register(app);
  const set = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 50, rateLimitDuration: 10 } });
  t.is(set.status, 200);
  t.is(set.body.rateLimitPoints, 50);
  t.is((await app.get('/v1/health', { auth: account.key })).headers.get('ratelimit-policy'), '50;w=10');
  await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: null, rateLimitDuration: null } });
  t.is((await app.get('/v1/health', { auth: account.key })).headers.get('ratelimit-policy'), '1000;w=60');
});

test('organization validation errors are 400 with details', async (t) => {
  const account = await register(app);
  for (const body of [{}, { name: '' }, { name: 3 }, { rateLimitPoints: 0 }, { rateLimitPoints: 1.5 }, { unknown: 1 }]) {
    const res = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body });
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.code, 'validation_failed');
    t.truthy(res.body.details.length);
  }
  const create = await app.post('/organizations', { auth: account.token, body: { name: '' } });
  t.is(create.status, 400);
  t.is((await app.get('/organizations', { auth: account.token })).body.length, 1);
});
