import test from 'ava';
import { ConfigError, loadConfig } from '../../config';
import { parseMail, UnstorableMailError, MAX_ATTACHMENTS } from '../../app/smtp/parseMail';

// Parsing and bounding received mail, without I/O: the resolver answers "no such name" for
// everything, as an empty DNS would.
const noDns = async (): Promise<string[]> => {
  throw Object.assign(new Error('queryTxt ENOTFOUND'), { code: 'ENOTFOUND' });
};
const envelope = { ip: '192.0.2.10', helo: 'mx.sender.test', sender: 'bounce@sender.test' };
const parse = (raw: string) => parseMail(Buffer.from(raw), envelope, noDns, 'mx.sendook.test');

test('addresses (groups included), threading headers and sizes come from the mail', async (t) => {
  const raw =
    'From: "Alice" <alice@sender.test>\r\nTo: Team: bob@x.test, carol@x.test;, dave@x.test\r\nCc: eve@x.test\r\n' +
    'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <m1@sender.test>\r\nIn-Reply-To: <p1@x.test> (comment)\r\n' +
    'References: <r1@x.test>\r\n <p1@x.test>\r\n\r\nbody\r\n';
  const mail = await parse(raw);
  t.is(mail.from, 'alice@sender.test');
  t.deepEqual(mail.to, ['bob@x.test', 'carol@x.test', 'dave@x.test']);
  t.deepEqual(mail.cc, ['eve@x.test']);
  t.is(mail.subject, 'Grüße');
  t.is(mail.headerMessageId, '<m1@sender.test>');
  t.is(mail.inReplyTo, '<p1@x.test>');
  t.deepEqual(mail.references, ['<r1@x.test>', '<p1@x.test>']);
  t.is(mail.rawSize, Buffer.byteLength(raw));
  t.is(mail.html, null);
  // No records anywhere: nothing passes, and the checks still finish.
  t.is(mail.authentication.dkim, 'none');
  t.is(mail.authentication.dmarc, 'none');
  t.not(mail.authentication.spf, 'pass');
});

test('a mail without From or Message-ID falls back to the envelope sender and no id; oversized header values are cut or dropped', async (t) => {
  const longId = `<${'a'.repeat(300)}@x.test>`;
  const mail = await parse(`To: bob@x.test\r\nMessage-ID: ${longId}\r\nIn-Reply-To: ${longId}\r\nSubject: ${'s'.repeat(5000)}\r\n\r\nbody\r\n`);
  t.is(mail.from, 'bounce@sender.test');
  t.is(mail.headerMessageId, null, 'a Message-ID longer than its column is dropped (one is made up when storing)');
  t.is(mail.inReplyTo, null);
  t.is(mail.subject.length, 2000);
});

test('attachment names are made safe and defaulted; more than the bound is unstorable', async (t) => {
  const part = (name: string | null) =>
    `--b\r\nContent-Type: application/octet-stream${name === null ? '' : `; name="${name}"`}\r\nContent-Disposition: attachment${name === null ? '' : `; filename="${name}"`}\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n`;
  const multipart = (parts: string[]) => `From: a@x.test\r\nTo: b@x.test\r\nSubject: files\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n${parts.join('')}--b--\r\n`;
  const mail = await parse(multipart([part('../../etc/passwd'), part(null)]));
  t.deepEqual(
    mail.attachments.map((a) => [a.filename, a.contentType, a.content.length]),
    [['.._.._etc_passwd', 'application/octet-stream', 3], ['attachment-2', 'application/octet-stream', 3]],
  );
  const tooMany = multipart(Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => part(`f${i}.bin`)));
  await t.throwsAsync(parse(tooMany), { instanceOf: UnstorableMailError, message: /^5\.3\.4 / });
});

test('inbound configuration: defaults, DNS servers as a list, and ROLE=smtp needs SMTP_INBOUND_PORT', (t) => {
  const defaults = loadConfig({}).inbound;
  t.like(defaults, { port: null, host: '0.0.0.0', maxBytes: 10 * 1024 * 1024, maxRecipients: 50, clientMessagesPerMinute: 60, maxConnections: 100, dnsServers: null });
  t.deepEqual(loadConfig({ INBOUND_DNS_SERVERS: '1.1.1.1,127.0.0.1:5353' }).inbound.dnsServers, ['1.1.1.1', '127.0.0.1:5353']);
  t.throws(() => loadConfig({ INBOUND_DNS_SERVERS: '1.1.1.1,,x' }), { instanceOf: ConfigError, message: /INBOUND_DNS_SERVERS/ });
  t.throws(() => loadConfig({ ROLE: 'smtp' }), { instanceOf: ConfigError, message: /ROLE: smtp needs SMTP_INBOUND_PORT/ });
  t.is(loadConfig({ ROLE: 'smtp', SMTP_INBOUND_PORT: '2525' }).role, 'smtp');
});
