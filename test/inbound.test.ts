import test from 'ava';
import type { InboundSmtpServer } from '../app/smtp/inboundServer';
import { DnsServer } from './helpers/dnsServer';
import { authenticatedDomain, listenSmtp, sendMail } from './helpers/inbound';
import { SmtpReceiver } from './helpers/smtpReceiver';
import { register, TestWorld, type Account, type TestApp } from './helpers/testApp';
import { WebhookReceiver } from './helpers/webhookReceiver';

// Receiving mail on MySQL + Redis (docs/email.md#receiving-mail): a real SMTP client (nodemailer)
// sends to the app's SMTP listener; what was stored is read back through the API. Serial, like
// messages.test.ts: registrations in bursts are slow on the shared machine.
let world: TestWorld;
let app: TestApp;
let dns: DnsServer;
let outbox: SmtpReceiver;
let hooks: WebhookReceiver;
let smtp: InboundSmtpServer;
let port: number;
test.before(async () => {
  world = await TestWorld.create();
  dns = await DnsServer.start();
  outbox = await SmtpReceiver.start();
  hooks = await WebhookReceiver.start();
  app = await world.start({
    SMTP_URL: outbox.url,
    INBOUND_DNS_SERVERS: dns.address,
    INBOUND_CLIENT_MESSAGES_PER_MINUTE: '1000',
    WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  ({ smtp, port } = await listenSmtp(app));
});
test.after.always(async () => {
  await smtp?.close();
  await world?.close();
  await Promise.all([dns?.close(), outbox?.close(), hooks?.close()]);
});

async function newInbox(account: Account, body: Record<string, unknown> = {}) {
  const res = await app.post('/v1/inboxes', { auth: account.key, body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: string; email: string };
}

const list = (account: Account, inboxId: string, query = '') =>
  app.get(`/v1/inboxes/${inboxId}/messages${query ? `?query=${encodeURIComponent(query)}` : ''}`, { auth: account.key });

test.serial('a mail sent with nodemailer is stored as an inbound message, with its attachment, and fires message.received', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account, { name: 'Support' });
  const hook = await app.post('/v1/webhooks', { auth: account.key, body: { url: hooks.url('/received'), events: ['message.received'] } });
  t.is(hook.status, 201);
  const pdf = Buffer.from('%PDF-1.4 \u0000\u0001\u0002 binary bytes', 'latin1');
  const info = await sendMail(port, {
    from: 'Alice Sender <alice@sender.test>',
    // The inbox is named in another case than it was created with.
    to: inbox.email.toUpperCase(),
    cc: 'carol@sender.test',
    subject: 'Order 4711 arrived',
    text: 'Hello there, the parcel is here.',
    html: '<p>Hello <b>there</b></p>',
    messageId: '<order-4711@sender.test>',
    attachments: [{ filename: 'invoice.pdf', content: pdf, contentType: 'application/pdf' }],
    // Only the inbox is asked to take it (carol is elsewhere).
    envelope: { from: 'alice@sender.test', to: [inbox.email.toUpperCase()] },
  });
  t.is(info.accepted.length, 1);
  t.deepEqual(info.rejected, []);

  const [message] = (await list(account, inbox.id)).body;
  t.like(message, {
    direction: 'inbound',
    status: 'received',
    organizationId: account.orgId,
    inboxId: inbox.id,
    from: 'alice@sender.test',
    cc: ['carol@sender.test'],
    bcc: [],
    subject: 'Order 4711 arrived',
    html: '<p>Hello <b>there</b></p>',
    messageId: '<order-4711@sender.test>',
    inReplyTo: null,
    references: null,
    sentAt: null,
  });
  t.deepEqual(message.to.map((a: string) => a.toLowerCase()), [inbox.email]);
  t.is(message.text.trim(), 'Hello there, the parcel is here.');
  t.deepEqual(message.attachments, [{ name: 'invoice.pdf', contentType: 'application/pdf', size: pdf.length }]);
  t.true(Date.now() - Date.parse(message.receivedAt) < 60_000);
  // No DNS records for sender.test: nothing passes, and no check reached the network.
  t.deepEqual(Object.keys(message.authentication).sort(), ['dkim', 'dmarc', 'spf']);
  t.is(message.authentication.dkim, 'none');
  t.not(message.authentication.spf, 'pass');

  const file = await fetch(`${app.url}/v1/inboxes/${inbox.id}/messages/${message.id}/attachments/0`, { headers: { authorization: `Bearer ${account.key}` } });
  t.is(file.status, 200);
  t.is(file.headers.get('content-type'), 'application/pdf');
  t.regex(file.headers.get('content-disposition')!, /^attachment; filename\*=UTF-8''invoice\.pdf$/);
  t.deepEqual(Buffer.from(await file.arrayBuffer()), pdf);
  t.is((await app.get(`/v1/inboxes/${inbox.id}/messages/${message.id}/attachments/1`, { auth: account.key })).status, 404);
  t.is((await app.get(`/v1/inboxes/${inbox.id}/messages/${message.id}/attachments/x`, { auth: account.key })).status, 404);

  const [delivery] = await hooks.waitFor('/received', 1);
  t.like(delivery!.body, { event: 'message.received', organizationId: account.orgId, inboxId: inbox.id, messageId: message.id });
  t.deepEqual(delivery!.body.payload, message);
  t.true(WebhookReceiver.signedWith(delivery!, hook.body.secret));

  // Search finds it like a sent message: subject, body, sender.
  for (const query of ['4711', 'parcel', 'alice@sender']) {
    t.deepEqual((await list(account, inbox.id, query)).body.map((m: { id: string }) => m.id), [message.id], query);
  }
  t.deepEqual((await list(account, inbox.id, 'nothing like this')).body, []);
});

test.serial('received and sent messages have one shape in lists, threads and GET', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const sent = await app.post(`/v1/inboxes/${inbox.id}/messages/send`, { auth: account.key, body: { to: ['bob@sender.test'], subject: 'Hi Bob', text: 'hello' } });
  t.is(sent.status, 201);
  t.is(sent.body.direction, 'outbound');
  t.is(sent.body.receivedAt, null);
  t.is(sent.body.authentication, null);
  await sendMail(port, { from: 'bob@sender.test', to: inbox.email, subject: 'Re: Hi Bob', text: 'hello back', inReplyTo: sent.body.messageId, references: [sent.body.messageId] });

  const keys = (o: object) => Object.keys(o).sort();
  const messages = (await list(account, inbox.id)).body;
  t.deepEqual(messages.map((m: { direction: string }) => m.direction), ['inbound', 'outbound']);
  t.deepEqual(keys(messages[0]), keys(sent.body));
  t.deepEqual(keys((await app.get(`/v1/inboxes/${inbox.id}/messages/${messages[0].id}`, { auth: account.key })).body), keys(sent.body));
  const threads = (await app.get(`/v1/inboxes/${inbox.id}/threads`, { auth: account.key })).body;
  t.is(threads.length, 1, 'the answer joined the thread of the message it answers');
  t.deepEqual(threads[0].messages, [sent.body.id, messages[0].id]);
  const thread = (await app.get(`/v1/inboxes/${inbox.id}/threads/${threads[0].id}`, { auth: account.key })).body;
  t.deepEqual(thread.messages.map(keys), [keys(sent.body), keys(sent.body)]);
  t.is(thread.messages[1].inReplyTo, sent.body.messageId);

  // `direction` narrows the list to received or sent mail, and combines with the search.
  const only = async (q: string) => (await app.get(`/v1/inboxes/${inbox.id}/messages?${q}`, { auth: account.key })).body.map((m: { id: string }) => m.id);
  t.deepEqual(await only('direction=inbound'), [messages[0].id]);
  t.deepEqual(await only('direction=outbound'), [sent.body.id]);
  t.deepEqual(await only('direction=inbound&query=back'), [messages[0].id]);
  t.deepEqual(await only('direction=outbound&query=back'), []);
  const bad = await app.get(`/v1/inboxes/${inbox.id}/messages?direction=sideways`, { auth: account.key });
  t.is(bad.status, 400);
  t.is(bad.body.details[0].path, 'direction');
});

test.serial('threads: References naming a message of the inbox joins its thread; a reply through the API goes to the sender', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  await sendMail(port, { from: 'dora@sender.test', to: inbox.email, subject: 'Question', text: 'first', messageId: '<q1@sender.test>' });
  // Unrelated ids first, the known one last: any of them is enough.
  await sendMail(port, { from: 'dora@sender.test', to: inbox.email, subject: 'Also', text: 'second', messageId: '<q2@sender.test>', references: ['<elsewhere@x.test>', '<q1@sender.test>'] });
  await sendMail(port, { from: 'eve@sender.test', to: inbox.email, subject: 'Unrelated', text: 'third', inReplyTo: '<not-here@x.test>' });
  const [third, second, first] = (await list(account, inbox.id)).body;
  t.is(second.threadId, first.threadId);
  t.not(third.threadId, first.threadId);
  t.is((await app.get(`/v1/inboxes/${inbox.id}/threads`, { auth: account.key })).body.length, 2);

  const reply = await app.post(`/v1/inboxes/${inbox.id}/messages/${second.id}/reply`, { auth: account.key, body: { text: 'answer' } });
  t.is(reply.status, 201);
  t.like(reply.body, { direction: 'outbound', to: ['dora@sender.test'], threadId: first.threadId, subject: 'Re: Also', inReplyTo: '<q2@sender.test>' });
  t.is(reply.body.references, '<elsewhere@x.test> <q1@sender.test> <q2@sender.test>');
  const delivered = await outbox.byMessageId(reply.body.messageId);
  t.deepEqual(delivered.envelope.to, ['dora@sender.test']);

  // The same Message-ID in another organization's inbox does not pull that mail into this thread.
  const other = await register(app);
  const otherInbox = await newInbox(other);
  await sendMail(port, { from: 'dora@sender.test', to: otherInbox.email, subject: 'Question', text: 'copy', references: ['<q1@sender.test>'] });
  const [copy] = (await list(other, otherInbox.id)).body;
  t.not(copy.threadId, first.threadId);
});

test.serial('several recipients in several organizations: one message per inbox; unknown ones are refused', async (t) => {
  const [a, b] = [await register(app), await register(app)];
  const [a1, a2, b1] = [await newInbox(a), await newInbox(a), await newInbox(b)];
  const hook = await app.post('/v1/webhooks', { auth: b.key, body: { url: hooks.url('/multi-b'), events: ['message.received'] } });
  t.is(hook.status, 201);
  const info = await sendMail(port, {
    from: 'frank@sender.test',
    to: [a1.email, b1.email, 'nobody-here@sendook.local'],
    cc: a2.email,
    // Named twice: still one copy.
    bcc: a1.email.toUpperCase(),
    subject: 'To everyone',
    text: 'hi all',
  });
  t.deepEqual(info.rejected, ['nobody-here@sendook.local']);
  t.regex(String((info as { rejectedErrors?: Array<{ response: string }> }).rejectedErrors?.[0]?.response), /^550 5\.1\.1/);
  for (const [account, inbox] of [[a, a1], [a, a2], [b, b1]] as const) {
    const messages = (await list(account, inbox.id)).body;
    t.is(messages.length, 1, inbox.email);
    t.is(messages[0].subject, 'To everyone');
    t.is(messages[0].organizationId, account.orgId);
  }
  t.is((await app.get(`/v1/inboxes/${b1.id}/messages`, { auth: a.key })).status, 404, "another organization's inbox stays hidden");
  const [delivery] = await hooks.waitFor('/multi-b', 1);
  t.is(delivery!.body.inboxId, b1.id);
});

test.serial('a DKIM-signed mail from a domain whose records the test DNS serves: spf, dkim and dmarc pass', async (t) => {
  const account = await register(app);
  const inbox = await newInbox(account);
  const dkim = authenticatedDomain(dns, 'signed.test');
  await sendMail(port, { from: 'grace@signed.test', to: inbox.email, subject: 'Signed', text: 'trust me' }, dkim);
  const [message] = (await list(account, inbox.id)).body;
  t.deepEqual(message.authentication, { spf: 'pass', dkim: 'pass', dmarc: 'pass' });
  t.true(dns.asked.includes('mail._domainkey.signed.test'));

  // The same key, but the body changed after signing (a forged copy): the signature does not
  // verify (mailauth calls a body-hash mismatch `neutral`).
  const forged = authenticatedDomain(dns, 'forged.test');
  const raw = await signedRaw('henry@forged.test', inbox.email, forged);
  await sendMail(port, { envelope: { from: 'henry@forged.test', to: [inbox.email] }, raw: raw.replace('original body', 'altered body') });
  const [altered] = (await list(account, inbox.id)).body;
  t.is(altered.subject, 'Forged');
  t.is(altered.authentication.dkim, 'neutral');
  t.is(altered.authentication.spf, 'pass');
});

/** A DKIM-signed message as text, built by nodemailer's stream transport. */
async function signedRaw(from: string, to: string, dkim: { domainName: string; keySelector: string; privateKey: string }): Promise<string> {
  const nodemailer = await import('nodemailer');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, dkim });
  const info = await transport.sendMail({ from, to, subject: 'Forged', text: 'original body' });
  return (info.message as Buffer).toString();
}

test.serial('a mail sent again with the same Message-ID (a retry after a lost 250) is stored once per inbox', async (t) => {
  const account = await register(app);
  const [first, second] = [await newInbox(account), await newInbox(account)];
  const mail = { from: 'ivan@sender.test', subject: 'Once', text: 'only once', messageId: '<once-1@sender.test>' };
  await sendMail(port, { ...mail, to: first.email });
  await sendMail(port, { ...mail, to: [first.email, second.email] });
  t.is((await list(account, first.id)).body.length, 1);
  t.is((await list(account, second.id)).body.length, 1, 'the other inbox had not had it yet');
  // Mail without a Message-ID cannot be told apart: each is kept.
  const raw = `From: ivan@sender.test\r\nTo: ${second.email}\r\nSubject: No id\r\n\r\nx\r\n`;
  for (let i = 0; i < 2; i++) await sendMail(port, { envelope: { from: 'ivan@sender.test', to: [second.email] }, raw });
  const withoutId = (await list(account, second.id, 'No id')).body;
  t.is(withoutId.length, 2);
  t.not(withoutId[0].messageId, withoutId[1].messageId, 'each got a Message-ID of its own');
});
