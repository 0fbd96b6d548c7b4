import test from 'ava';
import { register, TestWorld, type TestApp } from './helpers/testApp';

// Tests in this file run one at a time (test.serial): each still seeds its own organization, but
// a burst of concurrent registrations opens many MySQL connections at once, which a small shared
// machine answers slowly enough to trip the 2 s connect deadline. Files still run in parallel.
let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start();
});
test.after.always(() => world?.close());

const INBOX_FIELDS = ['_id', 'id', 'organizationId', 'name', 'email', 'createdAt', 'updatedAt'];

test.serial('registration creates a default inbox on the default domain', async (t) => {
  const account = await register(app);
  const list = await app.get('/v1/inboxes', { auth: account.key });
  t.is(list.status, 200);
  t.true(Array.isArray(list.body));
  t.is(list.body.length, 1);
  const [inbox] = list.body;
  t.is(inbox.name, 'Default Inbox');
  t.is(inbox.organizationId, account.orgId);
  t.regex(inbox.email, new RegExp(`^${account.email.split('@')[0]}(-[a-z0-9]{6})?@sendook\\.local$`));
});

test.serial('create with a name generates a readable address, then a random suffix when taken', async (t) => {
  const account = await register(app);
  const name = `Sales Team ${Date.now()}`;
  const first = await app.post('/v1/inboxes', { auth: account.key, body: { name } });
  t.is(first.status, 201);
  t.deepEqual(Object.keys(first.body).sort(), [...INBOX_FIELDS].sort());
  t.is(first.body._id, first.body.id);
  t.is(first.body.name, name);
  t.is(first.body.email, `${name.toLowerCase().replace(/ /g, '-')}@sendook.local`);
  const second = await app.post('/v1/inboxes', { auth: account.key, body: { name } });
  t.is(second.status, 201);
  t.regex(second.body.email, new RegExp(`^${name.toLowerCase().replace(/ /g, '-')}-[a-z0-9]{6}@sendook\\.local$`));
});

test.serial('an inbox created without a name has no name key and an inbox@ address', async (t) => {
  const account = await register(app);
  const created = await app.post('/v1/inboxes', { auth: account.key, body: {} });
  t.is(created.status, 201);
  t.false('name' in created.body);
  t.regex(created.body.email, /^inbox(-[a-z0-9]{6})?@sendook\.local$/);
  const fetched = await app.get(`/v1/inboxes/${created.body.id}`, { auth: account.key });
  t.false('name' in fetched.body);
  // A bare POST without a body at all is the same request.
  const bare = await app.post('/v1/inboxes', { auth: account.key });
  t.is(bare.status, 201);
  t.false('name' in bare.body);
});

test.serial('addresses are unique across organizations, compared case-insensitively', async (t) => {
  const alice = await register(app);
  const bob = await register(app);
  // The default domain in another case is still the default domain.
  const email = `Support.${Date.now()}@Sendook.LOCAL`;
  const created = await app.post('/v1/inboxes', { auth: alice.key, body: { name: 'Support', email } });
  t.is(created.status, 201);
  t.is(created.body.email, email);
  for (const [who, candidate] of [
    [bob, email.toLowerCase()],
    [bob, email.toUpperCase()],
    [alice, email],
  ] as const) {
    const res = await app.post('/v1/inboxes', { auth: who.key, body: { email: candidate } });
    t.is(res.status, 409, candidate);
    t.is(res.body.code, 'address_taken');
  }
  t.is((await app.get('/v1/inboxes', { auth: bob.key })).body.length, 1);
});

test.serial('the default domain is configurable', async (t) => {
  const other = await world.start({ DEFAULT_EMAIL_DOMAIN: 'mail.example.test' });
  const account = await register(other);
  const created = await other.post('/v1/inboxes', { auth: account.key, body: { name: 'Billing' } });
  t.regex(created.body.email, /^billing(-[a-z0-9]{6})?@mail\.example\.test$/);
  const [defaultInbox] = (await other.get('/v1/inboxes?limit=1&before=' + created.body.id, { auth: account.key })).body;
  t.regex(defaultInbox.email, /@mail\.example\.test$/);
});

test.serial('lists are bare arrays, newest first, paginated with limit and before', async (t) => {
  const account = await register(app);
  for (const name of ['a', 'b', 'c']) await app.post('/v1/inboxes', { auth: account.key, body: { name: `${name} ${Date.now()}` } });
  const page = await app.get('/v1/inboxes?limit=2', { auth: account.key });
  t.is(page.body.length, 2);
  t.true(page.body[0].name.startsWith('c '));
  t.true(page.body[1].name.startsWith('b '));
  const next = await app.get(`/v1/inboxes?limit=2&before=${page.body[1].id}`, { auth: account.key });
  t.true(next.body[0].name.startsWith('a '));
  t.is(next.body[1].name, 'Default Inbox');
  t.is((await app.get('/v1/inboxes?limit=0', { auth: account.key })).status, 400);
});

test.serial('rename sets and removes the name; the address never changes', async (t) => {
  const account = await register(app);
  const created = await app.post('/v1/inboxes', { auth: account.key, body: { name: 'Old' } });
  const renamed = await app.patch(`/v1/inboxes/${created.body.id}`, { auth: account.key, body: { name: 'New' } });
  t.is(renamed.status, 200);
  t.is(renamed.body.name, 'New');
  t.is(renamed.body.email, created.body.email);
  const cleared = await app.patch(`/v1/inboxes/${created.body.id}`, { auth: account.key, body: { name: null } });
  t.false('name' in cleared.body);
  const refused = await app.patch(`/v1/inboxes/${created.body.id}`, { auth: account.key, body: { email: 'x@example.test' } });
  t.is(refused.status, 400);
});

test.serial('delete answers the inbox with the same _id and removes its messages and threads', async (t) => {
  const account = await register(app);
  const inbox = (await app.post('/v1/inboxes', { auth: account.key, body: { name: 'Doomed' } })).body;
  const sent = await app.post(`/v1/inboxes/${inbox.id}/messages/send`, {
    auth: account.key,
    body: { to: ['someone@example.test'], subject: 'Hello', text: 'Hi' },
  });
  t.is(sent.status, 201);
  const deleted = await app.delete(`/v1/inboxes/${inbox.id}`, { auth: account.key });
  t.is(deleted.status, 200);
  t.is(deleted.body._id, inbox._id);
  t.is(deleted.body.email, inbox.email);
  t.is((await app.get(`/v1/inboxes/${inbox.id}`, { auth: account.key })).status, 404);
  t.is((await app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: account.key })).status, 404);
  const knex = app.deps.knex;
  t.is((await knex('messages').where({ inbox_id: inbox.id })).length, 0);
  t.is((await knex('threads').where({ inbox_id: inbox.id })).length, 0);
  // The freed address can be taken again.
  t.is((await app.post('/v1/inboxes', { auth: account.key, body: { email: inbox.email } })).status, 201);
});

test.serial("another organization's inbox is 404 everywhere and is left untouched", async (t) => {
  const alice = await register(app);
  const bob = await register(app);
  const [bobInbox] = (await app.get('/v1/inboxes', { auth: bob.key })).body;
  const base = `/v1/inboxes/${bobInbox.id}`;
  const attempts: Array<[string, string, unknown?]> = [
    ['GET', base],
    ['PATCH', base, { name: 'pwned' }],
    ['DELETE', base],
    ['GET', `${base}/messages`],
    ['GET', `${base}/threads`],
    ['POST', `${base}/messages/send`, { to: ['x@example.test'], subject: 's', text: 't' }],
  ];
  for (const [method, path, body] of attempts) {
    const res = await app.request(method, path, { auth: alice.key, body });
    t.is(res.status, 404, `${method} ${path}`);
    t.is(res.body.code, 'not_found');
  }
  const still = await app.get(base, { auth: bob.key });
  t.is(still.body.name, 'Default Inbox');
  t.is((await app.get(`${base}/messages`, { auth: bob.key })).body.length, 0);
  t.is((await app.get('/v1/inboxes/not-an-id', { auth: alice.key })).status, 404);
});

test.serial('validation errors are 400 with details and store nothing', async (t) => {
  const account = await register(app);
  const cases: Array<[unknown, string]> = [
    [{ email: 'not an address' }, 'email'],
    [{ email: 42 }, 'email'],
    [{ name: '' }, 'name'],
    [{ name: 'x'.repeat(201) }, 'name'],
    [{ name: 'line\nbreak' }, 'name'],
    [{ name: 'ok', admin: true }, '(body)'],
  ];
  for (const [body, field] of cases) {
    const res = await app.post('/v1/inboxes', { auth: account.key, body });
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.code, 'validation_failed');
    t.true(res.body.details.some((d: { path: string }) => d.path === field), JSON.stringify(res.body.details));
  }
  t.is((await app.get('/v1/inboxes', { auth: account.key })).body.length, 1);
});

test.serial('the same router serves /organizations/:orgId/inboxes for members with a token', async (t) => {
  const owner = await register(app);
  const stranger = await register(app);
  const created = await app.post(`/organizations/${owner.orgId}/inboxes`, { auth: owner.token, body: { name: 'From dashboard' } });
  t.is(created.status, 201);
  const viaKey = await app.get(`/v1/inboxes/${created.body.id}`, { auth: owner.key });
  t.is(viaKey.body.name, 'From dashboard');
  const list = await app.get(`/organizations/${owner.orgId}/inboxes`, { auth: owner.token });
  t.is(list.body.length, 2);
  t.is((await app.get(`/organizations/${owner.orgId}/inboxes`, { auth: stranger.token })).status, 404);
  t.is((await app.get(`/organizations/${owner.orgId}/inboxes/${created.body.id}/threads`, { auth: owner.token })).status, 200);
});

test.serial('inbox routes need a key like every /v1 route', async (t) => {
  const res = await app.get('/v1/inboxes');
  t.is(res.status, 401);
  t.is(res.body.code, 'missing_api_key');
});
