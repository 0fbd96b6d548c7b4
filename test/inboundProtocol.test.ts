import test from 'ava';
import type { InboundSmtpServer } from '../app/smtp/inboundServer';
import { DnsServer } from './helpers/dnsServer';
import { eventually } from './helpers/eventually';
import { listenSmtp } from './helpers/inbound';
import { RawSmtp } from './helpers/smtpClient';
import { register, TestWorld, type Account, type TestApp } from './helpers/testApp';

// The SMTP protocol edges, over a raw socket (MySQL + Redis): what a careful sending server sees
// for unknown recipients, oversize mail, pipelined commands, a client that hangs up mid-DATA, and
// each abuse bound.
const MAX_BYTES = 20_000;
let world: TestWorld;
let dns: DnsServer;
const servers: InboundSmtpServer[] = [];

async function start(env: Record<string, string>): Promise<{ app: TestApp; port: number }> {
  const app = await world.start({ INBOUND_DNS_SERVERS: dns.address, INBOUND_MAX_BYTES: String(MAX_BYTES), INBOUND_MAX_RECIPIENTS: '3', ...env });
  const { smtp, port } = await listenSmtp(app);
  servers.push(smtp);
  return { app, port };
}

let main: { app: TestApp; port: number };
test.before(async () => {
  world = await TestWorld.create();
  dns = await DnsServer.start();
  main = await start({ INBOUND_CLIENT_MESSAGES_PER_MINUTE: '1000' });
});
test.after.always(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await world?.close();
  await dns?.close();
});

async function inboxOf(app: TestApp): Promise<{ account: Account; id: string; email: string }> {
  const account = await register(app);
  const res = await app.post('/v1/inboxes', { auth: account.key, body: {} });
  return { account, id: res.body.id, email: res.body.email };
}

const stored = async (app: TestApp, inbox: { account: Account; id: string }) =>
  (await app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: inbox.account.key })).body as Array<{ subject: string }>;

const mail = (to: string, subject: string, body = 'hello') => `From: someone@sender.test\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\n${body}\r\n.\r\n`;

async function session(port: number): Promise<RawSmtp> {
  const { smtp, greeting } = await RawSmtp.open(port);
  if (greeting.code !== 220) throw new Error(`greeting ${greeting.code}`);
  const ehlo = await smtp.command('EHLO client.sender.test');
  if (ehlo.code !== 250) throw new Error(`EHLO ${ehlo.code}`);
  return smtp;
}

test.serial('EHLO announces SIZE and PIPELINING; an unknown recipient is 550 5.1.1 before any DATA; SIZE= over the limit is 552', async (t) => {
  const inbox = await inboxOf(main.app);
  const { smtp } = await RawSmtp.open(main.port);
  t.teardown(() => smtp.destroy());
  const ehlo = await smtp.command('EHLO client.sender.test');
  t.is(ehlo.code, 250);
  t.true(ehlo.text.split('\n').includes(`SIZE ${MAX_BYTES}`));
  t.true(ehlo.text.split('\n').includes('PIPELINING'));

  t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
  const unknown = await smtp.command('RCPT TO:<no-such-inbox@sendook.local>');
  t.is(unknown.code, 550);
  t.regex(unknown.text, /^5\.1\.1 /);
  t.is((await smtp.command('DATA')).code, 503, 'no recipient was accepted, so no DATA is read');
  t.is((await smtp.command('RSET')).code, 250);
  const big = await smtp.command(`MAIL FROM:<someone@sender.test> SIZE=${MAX_BYTES + 1}`);
  t.is(big.code, 552);
  // Case-insensitive match on the whole address.
  t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
  t.is((await smtp.command(`RCPT TO:<${inbox.email.toUpperCase()}>`)).code, 250);
  t.deepEqual(await stored(main.app, inbox), []);
});

test.serial('a message over INBOUND_MAX_BYTES is 552 and stores nothing; the connection stays usable', async (t) => {
  const inbox = await inboxOf(main.app);
  const smtp = await session(main.port);
  t.teardown(() => smtp.destroy());
  t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
  t.is((await smtp.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  t.is((await smtp.command('DATA')).code, 354);
  smtp.write(mail(inbox.email, 'Too big', 'x'.repeat(76).concat('\r\n').repeat(Math.ceil((MAX_BYTES * 2) / 78))));
  const refused = await smtp.reply();
  t.is(refused.code, 552);
  t.deepEqual(await stored(main.app, inbox), []);

  t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
  t.is((await smtp.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  t.is((await smtp.command('DATA')).code, 354);
  smtp.write(mail(inbox.email, 'Small enough'));
  t.is((await smtp.reply()).code, 250);
  // 250 came after the message was stored: it is there at once, without waiting.
  t.deepEqual((await stored(main.app, inbox)).map((m) => m.subject), ['Small enough']);
});

test.serial('pipelined commands are answered in order, one reply each', async (t) => {
  const inbox = await inboxOf(main.app);
  const smtp = await session(main.port);
  t.teardown(() => smtp.destroy());
  smtp.write(`MAIL FROM:<someone@sender.test>\r\nRCPT TO:<nobody@sendook.local>\r\nRCPT TO:<${inbox.email}>\r\nDATA\r\n`);
  t.deepEqual([(await smtp.reply()).code, (await smtp.reply()).code, (await smtp.reply()).code, (await smtp.reply()).code], [250, 550, 250, 354]);
  // The end of one message and the whole next transaction in one write.
  smtp.write(`${mail(inbox.email, 'First')}MAIL FROM:<someone@sender.test>\r\nRCPT TO:<${inbox.email}>\r\nDATA\r\n`);
  t.deepEqual([(await smtp.reply()).code, (await smtp.reply()).code, (await smtp.reply()).code, (await smtp.reply()).code], [250, 250, 250, 354]);
  smtp.write(`${mail(inbox.email, 'Second')}QUIT\r\n`);
  t.deepEqual([(await smtp.reply()).code, (await smtp.reply()).code], [250, 221]);
  t.deepEqual((await stored(main.app, inbox)).map((m) => m.subject), ['Second', 'First']);
});

test.serial('a client that disconnects mid-DATA leaves nothing stored', async (t) => {
  const inbox = await inboxOf(main.app);
  const smtp = await session(main.port);
  t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
  t.is((await smtp.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  t.is((await smtp.command('DATA')).code, 354);
  smtp.write(`From: someone@sender.test\r\nTo: ${inbox.email}\r\nSubject: Cut off\r\n\r\nhalf a messa`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  smtp.destroy();
  // A complete message afterwards is stored; the cut one never is.
  const next = await session(main.port);
  t.teardown(() => next.destroy());
  t.is((await next.command('MAIL FROM:<someone@sender.test>')).code, 250);
  t.is((await next.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  t.is((await next.command('DATA')).code, 354);
  next.write(mail(inbox.email, 'Complete'));
  t.is((await next.reply()).code, 250);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.deepEqual((await stored(main.app, inbox)).map((m) => m.subject), ['Complete']);
});

test.serial('abuse bound: recipients per message (INBOUND_MAX_RECIPIENTS) is 452 4.5.3 past the limit', async (t) => {
  const inboxes = [await inboxOf(main.app), await inboxOf(main.app), await inboxOf(main.app), await inboxOf(main.app)];
  const smtp = await session(main.port);
  t.teardown(() => smtp.destroy());
  t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
  for (const inbox of inboxes.slice(0, 3)) t.is((await smtp.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  const fourth = await smtp.command(`RCPT TO:<${inboxes[3]!.email}>`);
  t.is(fourth.code, 452);
  t.regex(fourth.text, /^4\.5\.3 /);
  t.is((await smtp.command('DATA')).code, 354);
  smtp.write(mail(inboxes[0]!.email, 'Three of four'));
  t.is((await smtp.reply()).code, 250);
  t.is((await stored(main.app, inboxes[2]!)).length, 1);
  t.deepEqual(await stored(main.app, inboxes[3]!), []);
});

test.serial('abuse bound: messages per client address per minute (INBOUND_CLIENT_MESSAGES_PER_MINUTE) is 450 4.7.1 at MAIL FROM', async (t) => {
  // Its own Redis prefix (under the world's): the bucket is per client address, 127.0.0.1 for every test.
  const limited = await start({ INBOUND_CLIENT_MESSAGES_PER_MINUTE: '2', REDIS_PREFIX: `${world.redisPrefix}rate:` });
  const inbox = await inboxOf(limited.app);
  const smtp = await session(limited.port);
  t.teardown(() => smtp.destroy());
  for (const subject of ['one', 'two']) {
    t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
    t.is((await smtp.command(`RCPT TO:<${inbox.email}>`)).code, 250);
    t.is((await smtp.command('DATA')).code, 354);
    smtp.write(mail(inbox.email, subject));
    t.is((await smtp.reply()).code, 250);
  }
  const third = await smtp.command('MAIL FROM:<someone@sender.test>');
  t.is(third.code, 450);
  t.regex(third.text, /^4\.7\.1 /);
  t.is((await stored(limited.app, inbox)).length, 2);
});

test.serial("abuse bound: an organization's stored mail (INBOUND_ORG_MAX_BYTES) is 452 4.2.2 at RCPT TO once reached", async (t) => {
  const small = await start({ INBOUND_ORG_MAX_BYTES: '600', INBOUND_CLIENT_MESSAGES_PER_MINUTE: '1000', REDIS_PREFIX: `${world.redisPrefix}quota:` });
  const full = await inboxOf(small.app);
  const roomy = await inboxOf(small.app);
  const smtp = await session(small.port);
  t.teardown(() => smtp.destroy());
  t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
  t.is((await smtp.command(`RCPT TO:<${full.email}>`)).code, 250);
  t.is((await smtp.command('DATA')).code, 354);
  // Past the bound with this one message: it is still taken (the check is before DATA).
  smtp.write(mail(full.email, 'Fills it', 'y'.repeat(700)));
  t.is((await smtp.reply()).code, 250);
  t.is((await smtp.command('MAIL FROM:<someone@sender.test>')).code, 250);
  const refused = await smtp.command(`RCPT TO:<${full.email}>`);
  t.is(refused.code, 452);
  t.regex(refused.text, /^4\.2\.2 /);
  t.is((await smtp.command(`RCPT TO:<${roomy.email}>`)).code, 250, "another organization's inbox still takes mail");
});

test.serial('hostile headers within the size limit are stored (cut to their columns), never a 451 the sender would retry forever', async (t) => {
  const roomy = await start({ INBOUND_MAX_BYTES: '2000000', INBOUND_CLIENT_MESSAGES_PER_MINUTE: '1000', REDIS_PREFIX: `${world.redisPrefix}hostile:` });
  const inbox = await inboxOf(roomy.app);
  const to = Array.from({ length: 150 }, (_, i) => `${'\u00e9'.repeat(150)}${i}@example.test`).join(', ');
  const emoji = '\u{1F600}'.repeat(600);
  const attachment = (i: number) =>
    `--b\r\nContent-Type: application/x-${'z'.repeat(300)}; name="${i}${emoji}"\r\nContent-Disposition: attachment; filename*=UTF-8''${i}${encodeURIComponent(emoji)}\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n`;
  const raw =
    `From: a@sender.test\r\nTo: ${to}\r\nCc: ${to}\r\nSubject: ${emoji.repeat(20)}\r\nMessage-ID: <${'m'.repeat(400)}@x.test>\r\nReferences: ${Array.from({ length: 500 }, (_, i) => `<r${i}@x.test>`).join(' ')}\r\n` +
    `MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n${Array.from({ length: 50 }, (_, i) => attachment(i)).join('')}--b--\r\n.\r\n`;
  const smtp = await session(roomy.port);
  t.teardown(() => smtp.destroy());
  t.is((await smtp.command('MAIL FROM:<a@sender.test>')).code, 250);
  t.is((await smtp.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  t.is((await smtp.command('DATA')).code, 354);
  smtp.write(raw.replace(/\r\n\.\r\n$/, '\r\n').replace(/^\./gm, '..') + '.\r\n');
  const reply = await smtp.reply(30_000);
  t.is(reply.code, 250, reply.text);
  const [message] = (await roomy.app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: inbox.account.key })).body;
  t.is(message.to.length, 100);
  t.is(message.attachments.length, 50);
  t.true(message.subject.length <= 2000);
  t.regex(message.messageId, /@inbound\.sendook>$/, 'a Message-ID too long to keep is replaced');
  t.is(message.references.split(' ').length, 50);
});

test.serial('abuse bound: connections at once (INBOUND_MAX_CONNECTIONS); the next is greeted with 421', async (t) => {
  const narrow = await start({ INBOUND_MAX_CONNECTIONS: '1', REDIS_PREFIX: `${world.redisPrefix}narrow:` });
  const first = await session(narrow.port);
  t.teardown(() => first.destroy());
  const { smtp: second, greeting } = await RawSmtp.open(narrow.port);
  t.teardown(() => second.destroy());
  t.is(greeting.code, 421);
  t.true(await second.waitClosed());
  first.destroy();
  // The server sees the close a moment after the client: retry for a bounded while.
  const later = await eventually(async () => {
    const { smtp: third, greeting: g } = await RawSmtp.open(narrow.port);
    third.destroy();
    return g.code === 220 ? g : undefined;
  }, 3000, 'a free connection place');
  t.is(later.code, 220, 'a place is free again once a connection closes');
});
