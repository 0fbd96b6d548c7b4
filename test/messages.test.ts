import test from 'ava';
import { ERRORS } from '../app/errors';
import { REJECT_PREFIX, SmtpReceiver } from './helpers/smtpReceiver';
import { createKey, register, TestWorld, type Account, type TestApp } from './helpers/testApp';

// Tests in this file run one at a time (test.serial): each still seeds its own organization, but
// a burst of concurrent registrations opens many MySQL connections at once, which a small shared
// machine answers slowly enough to trip the 2 s connect deadline. Files still run in parallel.
let world: TestWorld;
let app: TestApp;
let smtp: SmtpReceiver;
test.before(async () => {
  world = await TestWorld.create();
  smtp = await SmtpReceiver.start();
  app = await world.start({ SMTP_URL: smtp.url });
});
test.after.always(async () => {
  await world?.close();
  await smtp?.close();
});

async function newInbox(account: Account, name = 'Support') {
  const res = await app.post('/v1/inboxes', { auth: account.key, body: { name } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: string; email: string; name: string };
}

const send = (account: Account, inboxId: string, body: unknown) => app.post(`/v1/inboxes/${inboxId}/messages/send`, { auth: account.key, body });

test.serial('send delivers through SMTP with headers, both bodies and attachments; Bcc stays hidden', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account, 'Support Desk');
  const pdf = Buffer.from('%PDF-1.4 pretend this is a pdf \u0000\u0001\u0002', 'latin1');
  const res = await send(account, inbox.id, {
    to: ['alice@example.test'],
    cc: ['carol@example.test'],
    bcc: ['secret-bob@example.test'],
    labels: ['welcome'],
    subject: 'Welcome aboard',
    text: 'Hello Alice',
    html: '<p>Hello <b>Alice</b></p>',
    attachments: [{ content: pdf.toString('base64'), name: 'terms.pdf', contentType: 'application/pdf' }],
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  const message = res.body;
  t.is(message._id, message.id);
  t.truthy(message.threadId);
  t.is(message.from, inbox.email);
  t.is(message.status, 'sent');
  t.deepEqual(message.to, ['alice@example.test']);
  t.deepEqual(message.labels, ['welcome']);
  t.deepEqual(message.attachments, [{ name: 'terms.pdf', contentType: 'application/pdf', size: pdf.length }]);
  t.truthy(message.sentAt);

  const mail = await smtp.byMessageId(message.messageId);
  t.is(mail.parsed.subject, 'Welcome aboard');
  t.deepEqual(mail.parsed.from?.value, [{ address: inbox.email, name: 'Support Desk' }]);
  t.is(mail.parsed.text?.trim(), 'Hello Alice');
  t.is(mail.parsed.html, '<p>Hello <b>Alice</b></p>');
  t.is(mail.parsed.attachments.length, 1);
  t.is(mail.parsed.attachments[0]!.filename, 'terms.pdf');
  t.is(mail.parsed.attachments[0]!.contentType, 'application/pdf');
  t.true(mail.parsed.attachments[0]!.content.equals(pdf));
  // Bcc: delivered to (in the envelope) but invisible in what every recipient receives.
  t.deepEqual(mail.envelope.to.sort(), ['alice@example.test', 'carol@example.test', 'secret-bob@example.test']);
  t.false(mail.raw.includes('secret-bob'));
  t.is(mail.parsed.headers.get('bcc'), undefined);
  t.is(mail.envelope.from, inbox.email);
});

test.serial('a reply keeps the thread, says Re: once and sets In-Reply-To and References', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const first = (await send(account, inbox.id, { to: ['dan@example.test'], cc: ['eve@example.test'], bcc: ['hidden@example.test'], subject: 'Order 42', text: 'Shipped' })).body;
  const reply = await app.post(`/v1/inboxes/${inbox.id}/messages/${first.id}/reply`, { auth: account.key, body: { text: 'Test Reply Text', html: '<p>Test Reply HTML</p>' } });
  t.is(reply.status, 201, JSON.stringify(reply.body));
  t.is(reply.body.threadId, first.threadId);
  t.is(reply.body.subject, 'Re: Order 42');
  t.is(reply.body.text, 'Test Reply Text');
  t.is(reply.body.html, '<p>Test Reply HTML</p>');
  // To the other party of an outgoing message: its recipients, never its Bcc.
  t.deepEqual(reply.body.to, ['dan@example.test']);
  t.deepEqual(reply.body.cc, ['eve@example.test']);
  t.deepEqual(reply.body.bcc, []);

  const second = await app.post(`/v1/inboxes/${inbox.id}/messages/${reply.body.id}/reply`, { auth: account.key, body: { text: 'Again' } });
  t.is(second.body.subject, 'Re: Order 42');
  t.is(second.body.threadId, first.threadId);

  const mail = await smtp.byMessageId(second.body.messageId);
  t.is(mail.parsed.inReplyTo, reply.body.messageId);
  t.deepEqual(mail.parsed.references, [first.messageId, reply.body.messageId]);
  t.is(mail.parsed.subject, 'Re: Order 42');
  t.false(mail.envelope.to.includes('hidden@example.test'));
  const firstReply = await smtp.byMessageId(reply.body.messageId);
  t.is(firstReply.parsed.inReplyTo, first.messageId);

  const thread = await app.get(`/v1/inboxes/${inbox.id}/threads/${first.threadId}`, { auth: account.key });
  t.is(thread.status, 200);
  t.is(thread.body._id, first.threadId);
  t.deepEqual(thread.body.messages.map((m: { _id: string }) => m._id), [first.id, reply.body.id, second.body.id]);
  t.is(thread.body.messages[1].text, 'Test Reply Text');
  t.is(thread.body.messages[0].threadId, first.threadId);
});

test.serial('threads list per inbox as a bare array with message ids, newest first', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const a = (await send(account, inbox.id, { to: ['x@example.test'], subject: 'A', text: 'a' })).body;
  const b = (await send(account, inbox.id, { to: ['y@example.test'], subject: 'B', text: 'b' })).body;
  const r = (await app.post(`/v1/inboxes/${inbox.id}/messages/${a.id}/reply`, { auth: account.key, body: { text: 'ra' } })).body;
  const threads = await app.get(`/v1/inboxes/${inbox.id}/threads`, { auth: account.key });
  t.true(Array.isArray(threads.body));
  t.deepEqual(threads.body.map((th: { id: string }) => th.id), [b.threadId, a.threadId]);
  t.deepEqual(threads.body[1].messages, [a.id, r.id]);
  t.is(threads.body[1].subject, 'A');
  const page = await app.get(`/v1/inboxes/${inbox.id}/threads?limit=1&before=${b.threadId}`, { auth: account.key });
  t.deepEqual(page.body.map((th: { id: string }) => th.id), [a.threadId]);
  // A thread is found only under its own inbox.
  const other = await newInbox(account, 'Other');
  t.is((await app.get(`/v1/inboxes/${other.id}/threads/${a.threadId}`, { auth: account.key })).status, 404);
});

test.serial('list searches plain text, case-insensitively, with %, _ and regex characters taken literally', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const subjects = ['Invoice 100% paid', 'Invoice 1000 paid', 'report_q1', 'reportXq1', 'a.*b (literal)', 'Back\\slash'];
  const ids: Record<string, string> = {};
  for (const subject of subjects) ids[subject] = (await send(account, inbox.id, { to: ['z@example.test'], subject, text: 'body' })).body.id;
  const search = async (query: string) => {
    const res = await app.get(`/v1/inboxes/${inbox.id}/messages?query=${encodeURIComponent(query)}`, { auth: account.key });
    t.is(res.status, 200, query);
    return res.body.map((m: { subject: string }) => m.subject).sort();
  };
  t.deepEqual(await search('100%'), ['Invoice 100% paid']);
  t.deepEqual(await search('report_'), ['report_q1']);
  t.deepEqual(await search('a.*b'), ['a.*b (literal)']);
  t.deepEqual(await search('.*'), ['a.*b (literal)']);
  t.deepEqual(await search('k\\s'), ['Back\\slash']);
  t.deepEqual(await search('INVOICE'), ['Invoice 100% paid', 'Invoice 1000 paid']);
  t.deepEqual(await search('z@example'), [...subjects].sort());
  t.deepEqual(await search('no such text'), []);
  const all = await app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: account.key });
  t.is(all.body.length, subjects.length);
  t.is(all.body[0].subject, subjects.at(-1));
  t.is((await app.get(`/v1/inboxes/${inbox.id}/messages?query=${'x'.repeat(201)}`, { auth: account.key })).status, 400);
  t.is((await app.get(`/v1/inboxes/${inbox.id}/messages?regex=.*`, { auth: account.key })).status, 400);
});

test.serial("another organization's message and thread ids are 404, even through one's own inbox", async (t) => {
  const alice = await register(app);
  const bob = await register(app);
  const bobInbox = await newInbox(bob);
  const aliceInbox = await newInbox(alice);
  const bobMessage = (await send(bob, bobInbox.id, { to: ['q@example.test'], subject: 'Private', text: 'p' })).body;
  const paths: Array<[string, string, unknown?]> = [
    ['GET', `/v1/inboxes/${bobInbox.id}/messages/${bobMessage.id}`],
    ['GET', `/v1/inboxes/${aliceInbox.id}/messages/${bobMessage.id}`],
    ['POST', `/v1/inboxes/${bobInbox.id}/messages/${bobMessage.id}/reply`, { text: 'x' }],
    ['POST', `/v1/inboxes/${aliceInbox.id}/messages/${bobMessage.id}/reply`, { text: 'x' }],
    ['GET', `/v1/inboxes/${bobInbox.id}/threads/${bobMessage.threadId}`],
    ['GET', `/v1/inboxes/${aliceInbox.id}/threads/${bobMessage.threadId}`],
  ];
  for (const [method, path, body] of paths) {
    const res = await app.request(method, path, { auth: alice.key, body });
    t.is(res.status, 404, `${method} ${path}`);
    t.is(res.body.code, 'not_found');
  }
  const thread = await app.get(`/v1/inboxes/${bobInbox.id}/threads/${bobMessage.threadId}`, { auth: bob.key });
  t.is(thread.body.messages.length, 1);
  t.is((await app.get(`/v1/inboxes/${aliceInbox.id}/messages`, { auth: alice.key })).body.length, 0);
});

test.serial('every validation error is a 400 with details; nothing is stored, sent or charged', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const ok = { to: ['ok@example.test'], subject: 'S', text: 'T' };
  const cases: Array<[unknown, string]> = [
    [{}, 'to'],
    [{ ...ok, to: [] }, 'to'],
    [{ ...ok, to: ['not-an-address'] }, 'to.0'],
    [{ ...ok, to: 42 }, 'to'],
    [{ ...ok, cc: ['bad'] }, 'cc.0'],
    [{ ...ok, bcc: 'bcc@example.test' }, 'bcc'],
    [{ ...ok, subject: undefined }, 'subject'],
    [{ ...ok, subject: 'two\r\nBcc: injected@example.test' }, 'subject'],
    [{ ...ok, text: undefined }, 'text'],
    [{ ...ok, text: '', html: '' }, 'text'],
    [{ ...ok, labels: [''] }, 'labels.0'],
    [{ ...ok, attachments: [{ content: 'not base64!' }] }, 'attachments.0.content'],
    [{ ...ok, attachments: [{ content: '' }] }, 'attachments.0.content'],
    [{ ...ok, attachments: [{ content: 'aGk=', name: '../etc/passwd' }] }, 'attachments.0.name'],
    [{ ...ok, attachments: [{ content: 'aGk=', contentType: 'pdf' }] }, 'attachments.0.contentType'],
    [{ ...ok, attachments: [{ content: 'aGk=', extra: 1 }] }, 'attachments.0'],
    [{ ...ok, to: Array.from({ length: 60 }, (_, i) => `a${i}@example.test`), cc: Array.from({ length: 60 }, (_, i) => `c${i}@example.test`) }, 'to'],
    [{ ...ok, unknown: true }, '(body)'],
  ];
  for (const [body, field] of cases) {
    const res = await send(account, inbox.id, body);
    t.is(res.status, 400, JSON.stringify(body).slice(0, 120));
    t.is(res.body.code, 'validation_failed');
    t.true(res.body.details.some((d: { path: string }) => d.path === field), `${field}: ${JSON.stringify(res.body.details)}`);
  }
  const first = (await send(account, inbox.id, ok)).body;
  for (const body of [{}, { text: '' }, { text: 'x', subject: 'not allowed here' }]) {
    const res = await app.post(`/v1/inboxes/${inbox.id}/messages/${first.id}/reply`, { auth: account.key, body });
    t.is(res.status, 400, JSON.stringify(body));
  }
  const stored = await app.deps.knex('messages').where({ inbox_id: inbox.id });
  t.is(stored.length, 1);
  t.is((await app.deps.knex('threads').where({ inbox_id: inbox.id })).length, 1);
  // Only the one good send was charged: the next one leaves 100 - 2 in the send bucket.
  const next = await send(account, inbox.id, ok);
  t.is(next.status, 201);
  const sendBucket = await app.deps.sendBuckets.get(account.orgId, app.deps.config.sendLimit);
  t.is(sendBucket?.consumedPoints, 2);
  // The headers describe the bucket with fewer points left: the send bucket in exact mode; in
  // lease mode the request bucket's lower bound may be lower still.
  if (app.deps.config.rateLimitMode === 'exact') t.is(next.headers.get('ratelimit-remaining'), '98');
  else t.true(Number(next.headers.get('ratelimit-remaining')) <= 98);
});

test.serial('the send budget is shared by all keys, refuses with 429 send_limited and stores nothing', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const patched = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { sendLimitPoints: 2, sendLimitDuration: 600 } });
  t.is(patched.status, 200);
  const other = await createKey(app, account);
  const first = await send(account, inbox.id, { to: ['a@example.test'], subject: '1', text: '1' });
  t.is(first.status, 201);
  // Two buckets drawn from: the headers describe the one with fewer points left, the send bucket.
  // In lease mode the request bucket's Remaining is a lower bound (the points this instance still
  // holds), and when that is 0 it is the lower of the two and its headers are the ones sent.
  const shown = [first.headers.get('ratelimit-policy'), first.headers.get('ratelimit-remaining')];
  if (app.deps.config.rateLimitMode === 'exact') t.deepEqual(shown, ['2;w=600', '1']);
  else t.true(['2;w=600,1', '1000;w=60,0'].includes(shown.join(',')), shown.join(','));
  const reply = await app.post(`/v1/inboxes/${inbox.id}/messages/${first.body.id}/reply`, { auth: other.key, body: { text: 'r' } });
  t.is(reply.status, 201);
  t.is(reply.headers.get('ratelimit-remaining'), '0');
  const refused = await app.post(`/v1/inboxes/${inbox.id}/messages/send`, { auth: other.key, body: { to: ['b@example.test'], subject: '3', text: '3' } });
  t.is(refused.status, 429);
  t.is(refused.body.code, 'send_limited');
  t.is(refused.headers.get('ratelimit-policy'), '2;w=600');
  t.is(refused.headers.get('ratelimit-remaining'), '0');
  t.true(Number(refused.headers.get('retry-after')) > 0);
  t.true(Number(refused.headers.get('ratelimit-reset')) > 0);
  const refusedReply = await app.post(`/v1/inboxes/${inbox.id}/messages/${first.body.id}/reply`, { auth: account.key, body: { text: 'r2' } });
  t.is(refusedReply.status, 429);
  t.is((await app.deps.knex('messages').where({ inbox_id: inbox.id })).length, 2);
  t.is((await app.deps.knex('threads').where({ inbox_id: inbox.id })).length, 1);
  // Reads are not charged to the send budget and show the request bucket.
  const list = await app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: account.key });
  t.is(list.status, 200);
  t.is(list.headers.get('ratelimit-policy'), '1000;w=60');
  // The key in Redis is the one docs/operations.md documents.
  t.truthy(await app.deps.redis!.get(`${world.redisPrefix}rl:send:${account.orgId}`));
});

test.serial('with more send budget than request budget left, the headers describe the request bucket', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 5, rateLimitDuration: 60, sendLimitPoints: 50 } });
  await app.get('/v1/inboxes', { auth: account.key });
  const res = await send(account, inbox.id, { to: ['a@example.test'], subject: 's', text: 't' });
  t.is(res.status, 201);
  t.is(res.headers.get('ratelimit-policy'), '5;w=60');
  // newInbox, the GET and the send itself: 5 - 3.
  t.is(res.headers.get('ratelimit-remaining'), '2');
});

test.serial('a mail server refusal stores the message as failed in its thread and answers 502', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const res = await send(account, inbox.id, { to: [`${REJECT_PREFIX}me@example.test`], subject: 'Nope', text: 'x' });
  t.is(res.status, 502);
  t.is(res.body.code, 'send_failed');
  const [message] = (await app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: account.key })).body;
  t.is(message.status, 'failed');
  t.regex(message.error, /rejected/i);
  t.is(message.sentAt, null);
  // A 5xx answers the catalogue's fixed message; the mail server's own words
  // stay with the stored message (and the transport's log line), never in the 502.
  t.is(res.body.error, ERRORS.send_failed[1]);
  t.false(/rejected|554/i.test(JSON.stringify(res.body)), JSON.stringify(res.body));
  // The thread exists with exactly that message: never a thread without its message.
  const thread = await app.get(`/v1/inboxes/${inbox.id}/threads/${message.threadId}`, { auth: account.key });
  t.deepEqual(thread.body.messages.map((m: { id: string }) => m.id), [message.id]);
  t.is((await app.deps.knex('threads').where({ inbox_id: inbox.id })).length, 1);
});

test.serial('an unreachable mail server marks the message failed', async (t) => {
  const down = await world.start({ SMTP_URL: 'smtp://127.0.0.1:1', SMTP_TIMEOUT_MS: '2000' });
  const account = await register(down);
  const [inbox] = (await down.get('/v1/inboxes', { auth: account.key })).body;
  const res = await down.post(`/v1/inboxes/${inbox.id}/messages/send`, { auth: account.key, body: { to: ['a@example.test'], subject: 's', text: 't' } });
  t.is(res.status, 502);
  const [message] = (await down.get(`/v1/inboxes/${inbox.id}/messages`, { auth: account.key })).body;
  t.is(message.status, 'failed');
  t.truthy(message.error);
});

test.serial('attachments are size-limited (decoded) and may exceed the general body limit', async (t) => {
  const small = await world.start({ SMTP_URL: smtp.url, ATTACHMENTS_MAX_BYTES: '1000' });
  const account = await register(small);
  const [inbox] = (await small.get('/v1/inboxes', { auth: account.key })).body;
  const ok = { to: ['a@example.test'], subject: 's', text: 't' };
  const over = await small.post(`/v1/inboxes/${inbox.id}/messages/send`, {
    auth: account.key,
    body: { ...ok, attachments: [{ content: Buffer.alloc(600).toString('base64') }, { content: Buffer.alloc(600).toString('base64') }] },
  });
  t.is(over.status, 413);
  t.is(over.body.code, 'payload_too_large');
  t.regex(over.body.error, /at most 1000 bytes/);
  t.is((await small.get(`/v1/inboxes/${inbox.id}/messages`, { auth: account.key })).body.length, 0);

  // 1.5 MB of attachment is more than BODY_LIMIT (1mb) but within MESSAGE_BODY_LIMIT.
  const big = Buffer.alloc(1_500_000, 7);
  const owner = await register(app);
  const ownerInbox = await newInbox(owner);
  const sent = await send(owner, ownerInbox.id, { ...ok, attachments: [{ content: big.toString('base64'), name: 'big.bin' }] });
  t.is(sent.status, 201, JSON.stringify(sent.body).slice(0, 200));
  t.deepEqual(sent.body.attachments, [{ name: 'big.bin', contentType: 'application/octet-stream', size: big.length }]);
  const mail = await smtp.byMessageId(sent.body.messageId);
  t.true(mail.parsed.attachments[0]!.content.equals(big));
  // Everywhere else the general limit holds.
  const tooBig = await app.post('/v1/inboxes', { auth: owner.key, body: { name: 'x'.repeat(1_500_000) } });
  t.is(tooBig.status, 413);
});

test.serial('an older client sending `to` as one string is understood', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const res = await send(account, inbox.id, { to: 'single@example.test', subject: 'Test Subject', text: 'Test Text', html: '<p>Test HTML</p>' });
  t.is(res.status, 201);
  t.deepEqual(res.body.to, ['single@example.test']);
  const got = await app.get(`/v1/inboxes/${inbox.id}/messages/${res.body._id}`, { auth: account.key });
  t.is(got.body._id, res.body._id);
  t.is(got.body.threadId, res.body.threadId);
});

test.serial('members send through /organizations/:orgId/inboxes/:inboxId/messages with a token', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const res = await app.post(`/organizations/${account.orgId}/inboxes/${inbox.id}/messages/send`, {
    auth: account.token,
    body: { to: ['dash@example.test'], subject: 'From the dashboard', text: 'hi' },
  });
  t.is(res.status, 201);
  t.is(res.headers.get('ratelimit-policy'), '100;w=3600');
  const stranger = await register(app);
  const denied = await app.post(`/organizations/${account.orgId}/inboxes/${inbox.id}/messages/send`, {
    auth: stranger.token,
    body: { to: ['dash@example.test'], subject: 'x', text: 'x' },
  });
  t.is(denied.status, 404);
});
