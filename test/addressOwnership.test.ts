import { generateKeyPairSync, randomBytes } from 'node:crypto';
import test from 'ava';
import { dkimVerify } from 'mailauth';
import { createDnsResolver } from '../app/smtp/dnsResolver';
import type { InboundSmtpServer } from '../app/smtp/inboundServer';
import { InboxRepository } from '../app/repositories/inboxes';
import { newId } from '../app/lib/ids';
import { SecretBox } from '../app/lib/secretBox';
import { DnsServer } from './helpers/dnsServer';
import { listenSmtp } from './helpers/inbound';
import { randomSuffix } from './helpers/services';
import { RawSmtp } from './helpers/smtpClient';
import { SmtpReceiver, type ReceivedMail } from './helpers/smtpReceiver';
import { register, TestWorld, type Account, type TestApp } from './helpers/testApp';

// Addresses follow ownership (docs/email.md#which-addresses-an-organization-may-use): an inbox
// address is on DEFAULT_EMAIL_DOMAIN or on a domain its organization verified through real DNS (a
// DNS server on loopback serves what GET /v1/domains/:name/dns asks for); only then can it send,
// receive, and is its mail signed.
let world: TestWorld;
let app: TestApp;
let dns: DnsServer;
let outbox: SmtpReceiver;
let smtp: InboundSmtpServer;
let port: number;
const SECRETS_KEY = randomBytes(32).toString('hex');
const env = () => ({
  SMTP_URL: outbox.url,
  DNS_SERVERS: dns.address,
  INBOUND_DNS_SERVERS: dns.address,
  MAIL_HOSTNAME: 'mx.sendook.test',
  SECRETS_KEY,
  INBOUND_CLIENT_MESSAGES_PER_MINUTE: '1000',
});
test.before(async () => {
  world = await TestWorld.create();
  dns = await DnsServer.start();
  outbox = await SmtpReceiver.start();
  app = await world.start(env());
  ({ smtp, port } = await listenSmtp(app));
});
test.after.always(async () => {
  await smtp?.close();
  await world?.close();
  await Promise.all([dns?.close(), outbox?.close()]);
});

interface PublishedRecord {
  type: 'TXT' | 'MX';
  name: string;
  value: string;
}

const domainName = (label: string) => `${label}-${randomSuffix()}.test`;

/** Adds the domain, publishes every record it asks for on the test DNS server, and verifies it. */
async function verifiedDomain(account: Account, name: string): Promise<PublishedRecord[]> {
  const created = await app.post('/v1/domains', { auth: account.key, body: { name } });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const records = (await app.get(`/v1/domains/${name}/dns`, { auth: account.key })).body as PublishedRecord[];
  for (const record of records) {
    if (record.type === 'MX') dns.mx(record.name, record.value);
    else dns.txt(record.name, record.value);
  }
  const verified = await app.post(`/v1/domains/${name}/verify`, { auth: account.key });
  if (verified.body.verified !== true) throw new Error(JSON.stringify(verified.body));
  return records;
}

const createInbox = (account: Account, email: string) => app.post('/v1/inboxes', { auth: account.key, body: { email } });
const send = (account: Account, inboxId: string, subject: string) =>
  app.post(`/v1/inboxes/${inboxId}/messages/send`, { auth: account.key, body: { to: ['rcpt@receiver.test'], subject, text: 'hello' } });
const countOf = async (table: string, where: Record<string, string>) => Number((await app.deps.knex(table).where(where).count({ n: '*' }).first())!.n);
const sendBucket = (account: Account) => app.deps.redis!.get(`${world.redisPrefix}rl:send:${account.orgId}`);

/** The RCPT TO reply for `address` in a fresh session. */
async function rcpt(address: string) {
  const { smtp: client } = await RawSmtp.open(port);
  try {
    await client.command('EHLO client.sender.test');
    await client.command('MAIL FROM:<someone@sender.test>');
    return await client.command(`RCPT TO:<${address}>`);
  } finally {
    client.destroy();
  }
}

/** DKIM results of a received mail, checked by mailauth against the test DNS server. */
async function dkimOf(mail: ReceivedMail) {
  const { results } = await dkimVerify(Buffer.from(mail.raw), { resolver: createDnsResolver([dns.address], 2000) });
  return results.map((r) => ({ domain: r.signingDomain, selector: r.selector, result: r.status.result }));
}

test.serial('an inbox address must be on the default domain or on a verified domain of the organization', async (t) => {
  const alice = await register(app);
  const bob = await register(app);
  const domain = domainName('owned');
  await verifiedDomain(alice, domain);
  const inboxesBefore = await countOf('inboxes', { organization_id: alice.orgId });

  const gmail = await createInbox(alice, 'x@gmail.com');
  t.is(gmail.status, 403);
  t.is(gmail.body.code, 'domain_not_verified');
  t.regex(gmail.body.error, /gmail\.com/);
  // The same through the organization's own route, with an access token.
  const viaOrg = await app.post(`/organizations/${alice.orgId}/inboxes`, { auth: alice.token, body: { email: 'y@gmail.com' } });
  t.is(viaOrg.status, 403);
  t.is(viaOrg.body.code, 'domain_not_verified');
  // A verified domain covers exactly its own name, not names below it.
  const sub = await createInbox(alice, `x@mail.${domain}`);
  t.is(sub.status, 403);
  t.regex(sub.body.error, new RegExp(`mail\\.${domain.replace(/\./g, '\\.')}`));
  // A domain added but not verified does not count.
  const pending = domainName('pending');
  t.is((await app.post('/v1/domains', { auth: alice.key, body: { name: pending } })).status, 201);
  t.is((await createInbox(alice, `x@${pending}`)).status, 403);
  t.is(await countOf('inboxes', { organization_id: alice.orgId }), inboxesBefore, 'nothing was stored');

  const owned = await createInbox(alice, `Sales@${domain.toUpperCase()}`);
  t.is(owned.status, 201, JSON.stringify(owned.body));
  t.is(owned.body.email, `Sales@${domain.toUpperCase()}`);
  const byDefault = await createInbox(alice, `support-${randomSuffix()}@sendook.local`);
  t.is(byDefault.status, 201);

  // Another organization's verified domain, through both routes.
  const stolen = await createInbox(bob, `ceo@${domain}`);
  t.is(stolen.status, 403);
  t.is(stolen.body.code, 'domain_not_verified');
  t.is((await app.post(`/organizations/${bob.orgId}/inboxes`, { auth: bob.token, body: { email: `cfo@${domain}` } })).status, 403);
  t.is(await countOf('inboxes', { organization_id: bob.orgId }), 1, 'only its registration inbox');
});

test.serial('an inbox on a domain that is not verified keeps its data, cannot send or receive, and works once the domain is verified', async (t) => {
  const account = await register(app);
  const domain = domainName('legacy');
  // As an inbox made before addresses followed ownership: a row, with no domain behind it.
  const now = Date.now();
  const legacy = { id: newId(now), organizationId: account.orgId, name: 'Legacy', email: `old@${domain}`, createdAt: now, updatedAt: now };
  await new InboxRepository(app.deps.knex).insert(legacy);

  const fetched = await app.get(`/v1/inboxes/${legacy.id}`, { auth: account.key });
  t.is(fetched.status, 200);
  t.is(fetched.body.email, legacy.email);
  // The body is checked first: a bad one is a 400 whatever the inbox's domain.
  const invalid = await app.post(`/v1/inboxes/${legacy.id}/messages/send`, { auth: account.key, body: { subject: 'No recipient', text: 'x' } });
  t.is(invalid.status, 400);
  const refused = await send(account, legacy.id, 'Refused');
  t.is(refused.status, 403);
  t.is(refused.body.code, 'domain_not_verified');
  t.regex(refused.body.error, new RegExp(domain.replace(/\./g, '\\.')));
  t.is(await countOf('messages', { inbox_id: legacy.id }), 0);
  t.is(await countOf('threads', { inbox_id: legacy.id }), 0);
  t.is(await sendBucket(account), null, 'no send budget was drawn');
  const refusedRcpt = await rcpt(legacy.email);
  t.is(refusedRcpt.code, 550);
  t.regex(refusedRcpt.text, /^5\.1\.1 /);
  // The same reply as for an address no inbox has.
  t.deepEqual(await rcpt(`nobody@${domain}`), refusedRcpt);
  t.false(outbox.mails.some((m) => m.parsed.subject === 'Refused'));

  // Decided live: once the organization verifies the domain, the same inbox sends and receives.
  const records = await verifiedDomain(account, domain);
  const sent = await send(account, legacy.id, 'Now allowed');
  t.is(sent.status, 201, JSON.stringify(sent.body));
  t.not(await sendBucket(account), null);
  t.is((await rcpt(legacy.email.toUpperCase())).code, 250);

  // Records gone and checked again: unverified, so replying and receiving stop again.
  const ownership = records.find((r) => r.name === `_sendook.${domain}`)!;
  dns.remove(ownership.name);
  const rechecked = await app.post(`/v1/domains/${domain}/verify`, { auth: account.key });
  t.false(rechecked.body.verified);
  const reply = await app.post(`/v1/inboxes/${legacy.id}/messages/${sent.body.id}/reply`, { auth: account.key, body: { text: 'again' } });
  t.is(reply.status, 403);
  t.is(reply.body.code, 'domain_not_verified');
  t.is(await countOf('messages', { inbox_id: legacy.id }), 1);
  t.is((await rcpt(legacy.email)).code, 550);
});

test.serial('mail from a verified domain arrives DKIM-signed with its key and Message-ID; it passes against the published record and fails against another', async (t) => {
  const account = await register(app);
  const domain = domainName('signed');
  const records = await verifiedDomain(account, domain);
  const inbox = await createInbox(account, `hello@${domain}`);
  const sent = await send(account, inbox.body.id, 'Signed');
  t.is(sent.status, 201, JSON.stringify(sent.body));
  t.true(sent.body.messageId.endsWith(`@${domain}>`), sent.body.messageId);
  const mail = await outbox.byMessageId(sent.body.messageId);
  const dkimRecord = records.find((r) => r.name.includes('._domainkey.'))!;
  const selector = dkimRecord.name.slice(0, dkimRecord.name.indexOf('._domainkey.'));
  t.deepEqual(await dkimOf(mail), [{ domain, selector, result: 'pass' }]);

  // The same mail against another key published under the selector: the signature fails.
  dns.removeTxt(dkimRecord.name, () => true);
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  dns.txt(dkimRecord.name, `v=DKIM1; k=rsa; p=${other}`);
  t.deepEqual(await dkimOf(mail), [{ domain, selector, result: 'fail' }]);
});

test.serial('a domain whose key cannot be decrypted: sending fails with 500 domain_key_unreadable, nothing is stored, charged or sent', async (t) => {
  const account = await register(app);
  const domain = domainName('lostkey');
  await verifiedDomain(account, domain);
  const inbox = (await createInbox(account, `ops@${domain}`)).body as { id: string };
  // Another instance of the same database whose SECRETS_KEY is not the one the key was sealed with.
  const other = await world.start({ ...env(), SECRETS_KEY: randomBytes(32).toString('hex') });
  const mailsBefore = outbox.mails.length;
  const failed = await other.post(`/v1/inboxes/${inbox.id}/messages/send`, {
    auth: account.key,
    body: { to: ['rcpt@receiver.test'], subject: 'Never unsigned', text: 'x' },
  });
  t.is(failed.status, 500);
  t.is(failed.body.code, 'domain_key_unreadable');
  t.regex(failed.body.error, new RegExp(`DKIM key of ${domain.replace(/\./g, '\\.')} cannot be decrypted`));
  t.is(await countOf('messages', { inbox_id: inbox.id }), 0);
  t.is(await sendBucket(account), null, 'no send budget was drawn');
  t.is(outbox.mails.length, mailsBefore, 'nothing went out');
  await other.close();
  // The instance with the right key sends from the same inbox: the refusal was the key's.
  const sent = await send(account, inbox.id, 'Signed after all');
  t.is(sent.status, 201);
  t.is((await dkimOf(await outbox.byMessageId(sent.body.messageId)))[0]?.result, 'pass');
});

test.serial('a stored key that decrypts but cannot sign is refused the same way: nodemailer would have sent the mail unsigned', async (t) => {
  const account = await register(app);
  const domain = domainName('badkey');
  await verifiedDomain(account, domain);
  const inbox = (await createInbox(account, `ops@${domain}`)).body as { id: string };
  const { id } = (await app.get(`/v1/domains/${domain}`, { auth: account.key })).body as { id: string };
  const sealed = new SecretBox(Buffer.from(SECRETS_KEY, 'hex')).seal('-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n', id);
  await app.deps.knex('domains').where({ id }).update({ dkim_private_key_encrypted: sealed });
  const mailsBefore = outbox.mails.length;
  const failed = await send(account, inbox.id, 'Would be unsigned');
  t.is(failed.status, 500);
  t.is(failed.body.code, 'domain_key_unreadable');
  t.is(await countOf('messages', { inbox_id: inbox.id }), 0);
  t.is(outbox.mails.length, mailsBefore, 'nothing went out');
});

test.serial('default-domain mail is signed when DEFAULT_DKIM_* is set, and unsigned otherwise', async (t) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  dns.txt('outbound._domainkey.sendook.local', `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`);
  const signing = await world.start({
    ...env(),
    DEFAULT_DKIM_SELECTOR: 'outbound',
    DEFAULT_DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
  t.teardown(() => signing.close());
  const account = await register(signing);
  const [inbox] = (await signing.get('/v1/inboxes', { auth: account.key })).body as Array<{ id: string; email: string }>;
  t.regex(inbox!.email, /@sendook\.local$/);
  const signed = await signing.post(`/v1/inboxes/${inbox!.id}/messages/send`, { auth: account.key, body: { to: ['rcpt@receiver.test'], subject: 'Default signed', text: 'x' } });
  t.is(signed.status, 201);
  t.deepEqual(await dkimOf(await outbox.byMessageId(signed.body.messageId)), [{ domain: 'sendook.local', selector: 'outbound', result: 'pass' }]);

  const plain = await register(app);
  const [plainInbox] = (await app.get('/v1/inboxes', { auth: plain.key })).body as Array<{ id: string }>;
  const unsigned = await send(plain, plainInbox!.id, 'Default unsigned');
  t.is(unsigned.status, 201);
  const mail = await outbox.byMessageId(unsigned.body.messageId);
  t.false(/^dkim-signature:/im.test(mail.raw));
  t.deepEqual(await dkimOf(mail), [{ domain: undefined, selector: undefined, result: 'none' }]);
});
