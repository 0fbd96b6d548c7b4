import test from 'ava';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { buildDeps } from '../app/container';
import { DnsServer } from './helpers/dnsServer';
import { eventually } from './helpers/eventually';
import { authenticatedDomain, sendMail } from './helpers/inbound';
import { freePort, startServerProcess } from './helpers/process';
import { RawSmtp } from './helpers/smtpClient';
import { WebhookReceiver } from './helpers/webhookReceiver';

// Receiving mail in embedded mode through the real entry point (app/main.ts): SQLite, the
// in-process limiter and delivery queue, the SMTP listener started and stopped with the API.
test('embedded: mail received over SMTP is stored, searchable, authenticated and announced; SIGTERM finishes the message being read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sendook-inbound-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const dns = await DnsServer.start();
  t.teardown(() => dns.close());
  const hooks = await WebhookReceiver.start();
  t.teardown(() => hooks.close());
  const smtpPort = await freePort();
  const sqlite = join(dir, 'sendook.sqlite');
  const server = await startServerProcess({
    SQLITE_FILE: sqlite,
    SMTP_INBOUND_PORT: String(smtpPort),
    SMTP_INBOUND_HOST: '127.0.0.1',
    INBOUND_DNS_SERVERS: dns.address,
    WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  t.teardown(() => server.stop('SIGKILL'));
  t.regex(server.output(), /SMTP listening for inbound mail/);
  const call = async (method: string, path: string, auth?: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const registered = await call('POST', '/auth/register', undefined, { email: 'ada@example.test', password: 'long enough pw', first_name: 'Ada', last_name: 'L' });
  const key: string = registered.body.apiKey.key;
  const [inbox] = (await call('GET', '/v1/inboxes', key)).body;
  t.is((await call('POST', '/v1/webhooks', key, { url: hooks.url('/in'), events: ['message.received'] })).status, 201);

  const dkim = authenticatedDomain(dns, 'partner.test');
  await sendMail(smtpPort, { from: 'bob@partner.test', to: inbox.email, subject: 'Quarterly numbers', text: 'see attached', attachments: [{ filename: 'q3.csv', content: 'a,b\n1,2\n' }] }, dkim);
  const found = await call('GET', `/v1/inboxes/${inbox.id}/messages?query=quarterly`, key);
  t.is(found.body.length, 1);
  const message = found.body[0];
  t.like(message, { direction: 'inbound', from: 'bob@partner.test', authentication: { spf: 'pass', dkim: 'pass', dmarc: 'pass' } });
  t.deepEqual(message.attachments, [{ name: 'q3.csv', contentType: 'text/csv', size: 8 }]);
  const csv = await fetch(`${server.url}/v1/inboxes/${inbox.id}/messages/${message.id}/attachments/0`, { headers: { authorization: `Bearer ${key}` } });
  t.is(await csv.text(), 'a,b\n1,2\n');
  const [delivery] = await hooks.waitFor('/in', 1);
  t.like(delivery!.body, { event: 'message.received', inboxId: inbox.id, messageId: message.id });

  // Graceful stop: one client is in the middle of DATA, another is idle.
  const { smtp: reading } = await RawSmtp.open(smtpPort);
  t.teardown(() => reading.destroy());
  t.is((await reading.command('EHLO client.partner.test')).code, 250);
  t.is((await reading.command('MAIL FROM:<bob@partner.test>')).code, 250);
  t.is((await reading.command(`RCPT TO:<${inbox.email}>`)).code, 250);
  t.is((await reading.command('DATA')).code, 354);
  reading.write(`From: bob@partner.test\r\nTo: ${inbox.email}\r\nSubject: Sent during shutdown\r\n\r\nfirst half, `);
  const { smtp: idle } = await RawSmtp.open(smtpPort);
  t.teardown(() => idle.destroy());
  t.is((await idle.command('EHLO idle.partner.test')).code, 250);

  const exited = server.stop('SIGTERM');
  const bye = await idle.reply();
  t.is(bye.code, 421, 'the idle client is told to come back later');
  t.true(await idle.waitClosed());
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(smtpPort, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
  t.true(refused, 'no new connections once stopping');
  reading.write('second half.\r\n.\r\n');
  t.is((await reading.reply()).code, 250, 'the message being read is finished and stored');
  t.is((await reading.reply()).code, 421);
  t.is(await exited, 0);

  const db = new Database(sqlite, { readonly: true });
  t.teardown(() => db.close());
  const subjects = db.prepare("select subject from messages where direction = 'inbound' order by id").all() as Array<{ subject: string }>;
  t.deepEqual(subjects.map((r) => r.subject), ['Quarterly numbers', 'Sent during shutdown']);
});

test('ROLE=smtp: a process that only receives mail, with no API listener', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sendook-smtprole-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const dns = await DnsServer.start();
  t.teardown(() => dns.close());
  const sqlite = join(dir, 'sendook.sqlite');
  // The account and its inbox are made in this process, through the services, on the same file.
  const seeding = await buildDeps(loadConfig({ SQLITE_FILE: sqlite, LOG_LEVEL: 'silent' }));
  await seeding.accounts.register({ email: 'rose@example.test', password: 'long enough pw', firstName: 'R', lastName: 'S' }, '127.0.0.1');
  await seeding.close();

  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'app', 'main.ts')], {
    cwd: join(__dirname, '..'),
    env: { PATH: process.env.PATH ?? '', SQLITE_FILE: sqlite, HOST: '127.0.0.1', PORT: String(httpPort), ROLE: 'smtp', SMTP_INBOUND_PORT: String(smtpPort), SMTP_INBOUND_HOST: '127.0.0.1', INBOUND_DNS_SERVERS: dns.address },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.teardown(() => void (child.exitCode === null && child.kill('SIGKILL')));
  await eventually(() => output.includes('SMTP listening for inbound mail') || child.exitCode !== null, 45_000, 'the SMTP listener');
  await sendMail(smtpPort, { from: 'tom@partner.test', to: 'rose@sendook.local', subject: 'To the SMTP-only process', text: 'hi' });
  const apiDown = await fetch(`http://127.0.0.1:${httpPort}/health`).then(() => false, () => true);
  t.true(apiDown, 'no API listener in this role');
  child.kill('SIGTERM');
  t.is(await exited, 0);
  const db = new Database(sqlite, { readonly: true });
  t.teardown(() => db.close());
  t.deepEqual(db.prepare("select subject from messages where direction = 'inbound'").all(), [{ subject: 'To the SMTP-only process' }]);
});
