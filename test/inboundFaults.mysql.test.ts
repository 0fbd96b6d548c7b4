import test from 'ava';
import { DnsServer } from './helpers/dnsServer';
import { listenSmtp } from './helpers/inbound';
import { RawSmtp } from './helpers/smtpClient';
import { MYSQL_SERVER_URL } from './helpers/services';
import { mysqlProxy } from './helpers/tcpProxy';
import { register, TestWorld } from './helpers/testApp';

// Receiving mail with MySQL down (docs/email.md#receiving-mail): 451, a temporary failure the
// sending server retries, never a 250 for a mail that was not stored, and never a 5xx that would
// bounce it.
let world: TestWorld;
let dns: DnsServer;
test.before(async () => {
  world = await TestWorld.create();
  dns = await DnsServer.start();
});
test.after.always(async () => {
  await world?.close();
  await dns?.close();
});

test('MySQL cut: RCPT TO and the end of DATA answer 451; after recovery the retried mail is stored once', async (t) => {
  const { proxy, url: viaProxy } = await mysqlProxy(world.databaseUrl, MYSQL_SERVER_URL);
  t.teardown(() => proxy.cut());
  const app = await world.start({ MYSQL_URL: viaProxy, MYSQL_CONNECT_TIMEOUT_MS: '1000', MYSQL_ACQUIRE_TIMEOUT_MS: '2000', INBOUND_DNS_SERVERS: dns.address });
  const { smtp: server, port } = await listenSmtp(app);
  t.teardown(() => server.close());
  const account = await register(app);
  const inbox = (await app.post('/v1/inboxes', { auth: account.key, body: {} })).body as { id: string; email: string };
  const { smtp } = await RawSmtp.open(port);
  t.teardown(() => smtp.destroy());
  t.is((await smtp.command('EHLO client.sender.test')).code, 250);
  const message = `From: a@sender.test\r\nTo: ${inbox.email}\r\nSubject: Retried\r\n\r\nbody\r\n.\r\n`;

  await proxy.cut();
  t.is((await smtp.command('MAIL FROM:<a@sender.test>')).code, 250, 'the client budget lives in Redis');
  const lookup = await smtp.command(`RCPT TO:<${inbox.email}>`);
  t.is(lookup.code, 451);
  t.regex(lookup.text, /^4\.3\.0 /);
  t.is((await smtp.command('RSET')).code, 250);

  await proxy.restore();
  t.is((await smtp.command('MAIL FROM:<a@sender.test>')).code, 250);
  t.is((await smtp.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  t.is((await smtp.command('DATA')).code, 354);
  await proxy.cut();
  smtp.write(message);
  const storing = await smtp.reply();
  t.is(storing.code, 451);
  t.false(storing.text.includes('ECONN'), 'no internals in the reply');

  await proxy.restore();
  t.is((await smtp.command('MAIL FROM:<a@sender.test>')).code, 250);
  t.is((await smtp.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  t.is((await smtp.command('DATA')).code, 354);
  smtp.write(message);
  t.is((await smtp.reply()).code, 250);
  const stored = (await app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: account.key })).body as Array<{ subject: string }>;
  t.deepEqual(stored.map((m) => m.subject), ['Retried']);
});
