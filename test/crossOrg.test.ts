import test from 'ava';
import { createKey, register, TestWorld, type TestApp } from './helpers/testApp';

let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start();
});
test.after.always(() => world?.close());

// Another organization's resource is answered exactly like one that does not exist. Every route
// that takes an id, with both credentials, and nothing changes.
test("every route with an id: another organization's ids give 404 and change nothing", async (t) => {
  const bob = await register(app);
  const alice = await register(app);
  const bobKey = await createKey(app, bob, { name: 'bob extra' });
  const inbox = (await app.post('/v1/inboxes', { auth: bob.key, body: { name: 'Bob sales' } })).body;
  const sent = await app.post(`/v1/inboxes/${inbox.id}/messages/send`, {
    auth: bob.key,
    body: { to: ['customer@example.com'], subject: 'Hello', text: 'Hi' },
  });
  t.is(sent.status, 201);
  const message = sent.body;
  const webhook = (await app.post('/v1/webhooks', { auth: bob.key, body: { url: 'https://example.com/hook', events: ['message.sent'] } })).body;
  t.truthy(webhook.id);
  const snapshot = async () => ({
    // lastUsedAt moves with the snapshot's own requests; everything else must not.
    keys: (await app.get('/v1/api_keys', { auth: bob.key })).body.map(({ lastUsedAt: _, ...k }: { lastUsedAt: unknown }) => k),
    inboxes: (await app.get('/v1/inboxes', { auth: bob.key })).body,
    messages: (await app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: bob.key })).body.map((m: { id: string; status: string }) => [m.id]),
    webhooks: (await app.get('/v1/webhooks', { auth: bob.key })).body,
  });
  const before = await snapshot();

  const ids = { key: bobKey.id, inbox: inbox.id, message: message.id, thread: message.threadId, webhook: webhook.id };
  const mail = { to: ['x@example.com'], subject: 's', text: 't' };
  const routes: Array<[string, string, unknown?]> = [
    ['GET', `/api_keys/${ids.key}`],
    ['PATCH', `/api_keys/${ids.key}`, { active: false }],
    ['DELETE', `/api_keys/${ids.key}`],
    ['GET', `/inboxes/${ids.inbox}`],
    ['PATCH', `/inboxes/${ids.inbox}`, { name: 'taken over' }],
    ['DELETE', `/inboxes/${ids.inbox}`],
    ['POST', `/inboxes/${ids.inbox}/messages/send`, mail],
    ['GET', `/inboxes/${ids.inbox}/messages`],
    ['GET', `/inboxes/${ids.inbox}/messages/${ids.message}`],
    ['POST', `/inboxes/${ids.inbox}/messages/${ids.message}/reply`, { text: 'hijack' }],
    ['GET', `/inboxes/${ids.inbox}/threads`],
    ['GET', `/inboxes/${ids.inbox}/threads/${ids.thread}`],
    ['GET', `/webhooks/${ids.webhook}`],
    ['DELETE', `/webhooks/${ids.webhook}`],
    ['POST', `/webhooks/${ids.webhook}/test`],
    ['GET', `/webhooks/${ids.webhook}/attempts`],
  ];
  for (const [method, path, body] of routes) {
    for (const [prefix, auth] of [['/v1', alice.key], [`/organizations/${alice.orgId}`, alice.token]] as const) {
      const res = await app.request(method, prefix + path, { auth, body });
      t.is(res.status, 404, `${method} ${prefix}${path}`);
      t.is(res.body.code, 'not_found', `${method} ${prefix}${path}`);
    }
    // Bob's organization id with Alice's token: not a member, so 404 too.
    const viaBobOrg = await app.request(method, `/organizations/${bob.orgId}${path}`, { auth: alice.token, body });
    t.is(viaBobOrg.status, 404, `${method} /organizations/<bob>${path}`);
  }
  t.deepEqual(await snapshot(), before);
  t.is((await app.get('/v1/health', { auth: bobKey.key })).status, 200);
});
