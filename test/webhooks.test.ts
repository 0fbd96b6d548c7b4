import test from 'ava';
import { eventually } from './helpers/eventually';
import { listKeys } from './helpers/services';
import { REJECT_PREFIX, SmtpReceiver } from './helpers/smtpReceiver';
import { register, TestWorld, type Account, type TestApp } from './helpers/testApp';
import { WebhookReceiver } from './helpers/webhookReceiver';

// Tests in this file run one at a time (test.serial): each still seeds its own organization, but
// a burst of concurrent registrations opens many MySQL connections at once, which a small shared
// machine answers slowly enough to trip the 2 s connect deadline. Files still run in parallel.
let world: TestWorld;
let app: TestApp;
let receiver: WebhookReceiver;
let smtp: SmtpReceiver;
// Short backoff so retries show within a test (attempts at 0, +60 ms, +120 ms); a timeout that a
// loaded machine's answers still fit in.
const ENV = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '60', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '1500' };
test.before(async () => {
  world = await TestWorld.create();
  receiver = await WebhookReceiver.start();
  smtp = await SmtpReceiver.start();
  app = await world.start({ ...ENV, SMTP_URL: smtp.url });
});
test.after.always(async () => {
  await world?.close();
  await receiver?.close();
  await smtp?.close();
});

let paths = 0;
/** A webhook on a path of its own, so concurrent tests never see each other's deliveries. */
async function hook(account: Account, events: string[]) {
  const path = `/hook-${++paths}`;
  const res = await app.post('/v1/webhooks', { auth: account.key, body: { url: receiver.url(path), events } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { path, id: res.body.id as string, secret: res.body.secret as string, body: res.body };
}

test.serial('create echoes url and events and returns the secret once; get, list and delete never show it', async (t) => {
  const account = await register(app);
  const url = `${receiver.url('/echo')}?token=abc`;
  const created = await app.post('/v1/webhooks', { auth: account.key, body: { url, events: ['message.received', 'message.sent', 'message.sent'] } });
  t.is(created.status, 201);
  t.is(created.body._id, created.body.id);
  t.is(created.body.url, url);
  t.deepEqual(created.body.events, ['message.received', 'message.sent']);
  t.regex(created.body.secret, /^whsec_[A-Za-z0-9_-]{32}$/);
  const one = await app.get(`/v1/webhooks/${created.body.id}`, { auth: account.key });
  const list = await app.get('/v1/webhooks', { auth: account.key });
  t.true(Array.isArray(list.body));
  t.is(list.body.length, 1);
  const deleted = await app.delete(`/v1/webhooks/${created.body.id}`, { auth: account.key });
  t.is(deleted.status, 200);
  t.is(deleted.body._id, created.body._id);
  for (const body of [one.body, list.body[0], deleted.body]) {
    t.false('secret' in body);
    t.false(JSON.stringify(body).includes(created.body.secret));
  }
  t.is((await app.get(`/v1/webhooks/${created.body.id}`, { auth: account.key })).status, 404);
});

test.serial('inbox events are delivered signed, with the contract body, to subscribed webhooks only', async (t) => {
  const account = await register(app);
  const all = await hook(account, ['inbox.created', 'inbox.updated', 'inbox.deleted']);
  const createdOnly = await hook(account, ['inbox.created']);
  const unrelated = await hook(account, ['message.sent']);
  const inbox = (await app.post('/v1/inboxes', { auth: account.key, body: { name: 'Hooked' } })).body;
  await app.patch(`/v1/inboxes/${inbox.id}`, { auth: account.key, body: { name: 'Renamed' } });
  await app.delete(`/v1/inboxes/${inbox.id}`, { auth: account.key });

  const got = await receiver.waitFor(all.path, 3);
  t.deepEqual(got.map((d) => d.body.event).sort(), ['inbox.created', 'inbox.deleted', 'inbox.updated']);
  for (const d of got) {
    t.true(WebhookReceiver.signedWith(d, all.secret), 'signature checks with the secret');
    t.false(WebhookReceiver.signedWith(d, createdOnly.secret), 'and not with another webhook secret');
    t.regex(String(d.headers['sendook-signature']), /^t=\d+,v1=[0-9a-f]{64}$/);
    t.is(d.headers['content-type'], 'application/json');
    t.deepEqual(Object.keys(d.body).sort(), ['createdAt', 'event', 'id', 'inboxId', 'organizationId', 'payload']);
    t.is(d.body.organizationId, account.orgId);
    t.is(d.body.inboxId, inbox.id);
    t.is(d.body.payload._id, inbox.id);
    t.regex(d.body.id, /^[0-9a-f]{24}$/);
  }
  t.is(got.find((d) => d.body.event === 'inbox.updated')!.body.payload.name, 'Renamed');
  const [created] = await receiver.waitFor(createdOnly.path, 1);
  t.is(created!.body.event, 'inbox.created');
  // One event, one id, whichever webhook it goes to.
  t.is(created!.body.id, got.find((d) => d.body.event === 'inbox.created')!.body.id);
  await new Promise((r) => setTimeout(r, 300));
  t.is(receiver.at(createdOnly.path).length, 1);
  t.is(receiver.at(unrelated.path).length, 0);
});

test.serial('message.sent carries the message; a mail server refusal emits message.rejected', async (t) => {
  const account = await register(app);
  const h = await hook(account, ['message.sent', 'message.rejected']);
  const [inbox] = (await app.get('/v1/inboxes', { auth: account.key })).body;
  const sent = await app.post(`/v1/inboxes/${inbox.id}/messages/send`, { auth: account.key, body: { to: ['a@example.test'], subject: 'Hi', text: 'x' } });
  const refused = await app.post(`/v1/inboxes/${inbox.id}/messages/send`, { auth: account.key, body: { to: [`${REJECT_PREFIX}a@example.test`], subject: 'No', text: 'x' } });
  t.is(refused.status, 502);
  const got = await receiver.waitFor(h.path, 2);
  const sentEvent = got.find((d) => d.body.event === 'message.sent')!;
  t.is(sentEvent.body.messageId, sent.body.id);
  t.is(sentEvent.body.inboxId, inbox.id);
  t.is(sentEvent.body.payload.threadId, sent.body.threadId);
  t.is(sentEvent.body.payload.status, 'sent');
  const rejected = got.find((d) => d.body.event === 'message.rejected')!;
  t.is(rejected.body.payload.status, 'failed');
  t.true(got.every((d) => WebhookReceiver.signedWith(d, h.secret)));
});

test.serial('test delivers webhook.test to that webhook only', async (t) => {
  const account = await register(app);
  const target = await hook(account, ['message.received']);
  const bystander = await hook(account, ['message.received']);
  const res = await app.post(`/v1/webhooks/${target.id}/test`, { auth: account.key });
  t.is(res.status, 200);
  t.true(res.body.success);
  const [delivery] = await receiver.waitFor(target.path, 1);
  t.is(delivery!.body.event, 'webhook.test');
  t.is(delivery!.body.id, res.body.eventId);
  t.is(delivery!.body.payload._id, target.id);
  t.true(WebhookReceiver.signedWith(delivery!, target.secret));
  const attempts = await eventually(async () => {
    const r = await app.get(`/v1/webhooks/${target.id}/attempts`, { auth: account.key });
    return r.body.length === 1 ? r.body : undefined;
  });
  t.like(attempts[0], { webhookId: target.id, eventId: res.body.eventId, event: 'webhook.test', attempt: 1, success: true, status: 200, error: null });
  t.is(typeof attempts[0].durationMs, 'number');
  await new Promise((r) => setTimeout(r, 300));
  t.is(receiver.at(bystander.path).length, 0);
});

test.serial('a failing target is retried with backoff, the same event id each time, every attempt recorded', async (t) => {
  const account = await register(app);
  const h = await hook(account, ['inbox.created']);
  receiver.behave(h.path, (count) => (count < 3 ? 500 : 200));
  const outcomes = { ...app.deps.counters.webhookDeliveries };
  await app.post('/v1/inboxes', { auth: account.key, body: { name: 'Retry me' } });
  const got = await receiver.waitFor(h.path, 3);
  t.is(new Set(got.map((d) => d.body.id)).size, 1, 'one event id across retries');
  t.deepEqual(got.map((d) => d.headers['sendook-attempt']), ['1', '2', '3']);
  t.true(got.every((d) => WebhookReceiver.signedWith(d, h.secret)));
  t.true(got[1]!.at - got[0]!.at >= 50, 'backoff before the first retry');
  t.true(got[2]!.at - got[1]!.at >= 100, 'and longer before the second');

  const attempts = await eventually(async () => {
    const r = await app.get(`/v1/webhooks/${h.id}/attempts`, { auth: account.key });
    return r.body.length === 3 ? r.body : undefined;
  });
  // Newest first.
  t.deepEqual(attempts.map((a: { attempt: number }) => a.attempt), [3, 2, 1]);
  t.deepEqual(attempts.map((a: { success: boolean }) => a.success), [true, false, false]);
  t.deepEqual(attempts.map((a: { status: number }) => a.status), [200, 500, 500]);
  t.is(attempts[2].error, 'target answered HTTP 500');
  t.is(attempts[0].error, null);
  for (const a of attempts) t.true(a.durationMs >= 0);
  // A failed attempt says when the next one comes: the backoff after it, doubling; none after success.
  const at = (iso: string) => Date.parse(iso);
  t.is(at(attempts[2].nextAttemptAt) - at(attempts[2].createdAt), 60);
  t.is(at(attempts[1].nextAttemptAt) - at(attempts[1].createdAt), 120);
  t.is(attempts[0].nextAttemptAt, null);
  t.true(at(attempts[1].createdAt) >= at(attempts[2].nextAttemptAt), 'the retry came no earlier than announced');
  t.true(at(attempts[0].createdAt) >= at(attempts[1].nextAttemptAt), 'and the next one too');
  const page = await app.get(`/v1/webhooks/${h.id}/attempts?limit=1&before=${attempts[0].id}`, { auth: account.key });
  t.deepEqual(page.body.map((a: { id: string }) => a.id), [attempts[1].id]);
  // The counters behind sendook_webhook_deliveries_total (tests in this file run serially).
  const now = app.deps.counters.webhookDeliveries;
  t.deepEqual([now.retrying - outcomes.retrying, now.delivered - outcomes.delivered, now.failed - outcomes.failed], [2, 1, 0]);
});

test.serial('a target that never succeeds gets exactly WEBHOOK_MAX_ATTEMPTS tries; a hung one times out', async (t) => {
  const account = await register(app);
  const failing = await hook(account, ['inbox.created']);
  const hung = await hook(account, ['inbox.created']);
  receiver.behave(failing.path, () => 503);
  receiver.behave(hung.path, () => 'hang');
  await app.post('/v1/inboxes', { auth: account.key, body: { name: 'Never' } });
  const attemptsOf = async (id: string) => (await app.get(`/v1/webhooks/${id}/attempts`, { auth: account.key })).body;
  await eventually(async () => (await attemptsOf(failing.id)).length === 3, 15000);
  const hungAttempts = await eventually(async () => {
    const a = await attemptsOf(hung.id);
    return a.length === 3 ? a : undefined;
  }, 15000);
  t.true(hungAttempts.every((a: { status: null; error: string }) => a.status === null && /timed out: no complete response within 1500 ms/.test(a.error)));
  t.true(hungAttempts.every((a: { durationMs: number }) => a.durationMs >= 1490));
  await new Promise((r) => setTimeout(r, 500));
  const failed = await attemptsOf(failing.id);
  t.is(failed.length, 3, 'no fourth attempt');
  // Newest first: the last attempt announces no retry, the two before it do.
  t.deepEqual(failed.map((a: { nextAttemptAt: string | null }) => a.nextAttemptAt === null), [true, false, false]);
  t.true(app.deps.counters.webhookDeliveries.failed >= 2, 'both abandoned deliveries count as failed');
  t.is(receiver.at(failing.path).length, 3);
});

test.serial('deliveries still queued for a deleted webhook are dropped', async (t) => {
  const account = await register(app);
  const h = await hook(account, ['inbox.created']);
  receiver.behave(h.path, () => 500);
  await app.post('/v1/inboxes', { auth: account.key, body: {} });
  await receiver.waitFor(h.path, 1);
  await app.delete(`/v1/webhooks/${h.id}`, { auth: account.key });
  const seen = receiver.at(h.path).length;
  await new Promise((r) => setTimeout(r, 500));
  t.true(receiver.at(h.path).length <= seen + 1, 'at most the attempt already under way');
  t.is((await app.deps.knex('webhook_attempts').where({ webhook_id: h.id })).length, 0);
});

test.serial('each event reaches a webhook once even with several instances working the queue', async (t) => {
  const second = await world.start(ENV);
  const third = await world.start(ENV);
  const account = await register(app);
  const h = await hook(account, ['inbox.created']);
  const created = [];
  for (const instance of [app, second, third, app, second, third]) {
    created.push((await instance.post('/v1/inboxes', { auth: account.key, body: {} })).body.id);
  }
  const got = await receiver.waitFor(h.path, 6);
  await new Promise((r) => setTimeout(r, 300));
  const delivered = receiver.at(h.path);
  t.is(delivered.length, 6);
  t.deepEqual(delivered.map((d) => d.body.inboxId).sort(), created.sort());
  t.is(new Set(got.map((d) => d.body.id)).size, 6);
  // The queue lives under the documented, hash-tagged prefix.
  t.true((await listKeys(app.deps.redis!, `${world.redisPrefix}{bull}:webhooks:*`)).length > 0);
});

test.serial("another organization's webhook is 404 for get, delete, test and attempts", async (t) => {
  const alice = await register(app);
  const bob = await register(app);
  const bobs = await hook(bob, ['inbox.created']);
  for (const [method, path] of [
    ['GET', `/v1/webhooks/${bobs.id}`],
    ['DELETE', `/v1/webhooks/${bobs.id}`],
    ['POST', `/v1/webhooks/${bobs.id}/test`],
    ['GET', `/v1/webhooks/${bobs.id}/attempts`],
    ['GET', '/v1/webhooks/not-an-id'],
  ] as const) {
    const res = await app.request(method, path, { auth: alice.key });
    t.is(res.status, 404, `${method} ${path}`);
    t.is(res.body.code, 'not_found');
  }
  t.is((await app.get(`/v1/webhooks/${bobs.id}`, { auth: bob.key })).status, 200);
  t.is(receiver.at(bobs.path).length, 0);
  t.is((await app.get('/v1/webhooks', { auth: alice.key })).body.length, 0);
  // Alice's events never reach Bob's webhook.
  await app.post('/v1/inboxes', { auth: alice.key, body: {} });
  await new Promise((r) => setTimeout(r, 300));
  t.is(receiver.at(bobs.path).length, 0);
});

test.serial('validation errors are 400 with details and store nothing', async (t) => {
  const account = await register(app);
  const url = receiver.url('/never');
  const cases: Array<[unknown, string]> = [
    [{ events: ['inbox.created'] }, 'url'],
    [{ url: 'not a url', events: ['inbox.created'] }, 'url'],
    [{ url: 'ftp://example.test/x', events: ['inbox.created'] }, 'url'],
    [{ url, events: [] }, 'events'],
    [{ url, events: 'inbox.created' }, 'events'],
    [{ url, events: ['inbox.exploded'] }, 'events.0'],
    [{ url, events: ['webhook.test'] }, 'events.0'],
    [{ url, events: ['inbox.created'], secret: 'mine' }, '(body)'],
  ];
  for (const [body, field] of cases) {
    const res = await app.post('/v1/webhooks', { auth: account.key, body });
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.code, 'validation_failed');
    t.true(res.body.details.some((d: { path: string }) => d.path === field), `${field}: ${JSON.stringify(res.body.details)}`);
  }
  t.is((await app.get('/v1/webhooks', { auth: account.key })).body.length, 0);
});

test.serial('the same router serves /organizations/:orgId/webhooks for members with a token', async (t) => {
  const account = await register(app);
  const created = await app.post(`/organizations/${account.orgId}/webhooks`, { auth: account.token, body: { url: receiver.url('/org'), events: ['inbox.created'] } });
  t.is(created.status, 201);
  t.truthy(created.body.secret);
  t.is((await app.get(`/v1/webhooks/${created.body.id}`, { auth: account.key })).body.url, receiver.url('/org'));
  const stranger = await register(app);
  t.is((await app.get(`/organizations/${account.orgId}/webhooks`, { auth: stranger.token })).status, 404);
});
