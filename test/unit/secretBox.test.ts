import { randomBytes } from 'node:crypto';
import test from 'ava';
import { parseDnsServers, parseSecretsKey } from '../../config/schema';
import { loadConfig } from '../../config';
import { SecretBox, SecretUnreadableError } from '../../app/lib/secretBox';

test('a sealed secret opens with the same key and context only', (t) => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const sealed = box.seal('-----BEGIN PRIVATE KEY-----\nabc', 'domain-1');
  t.regex(sealed, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
  t.false(sealed.includes('PRIVATE'));
  t.not(box.seal('same', 'x'), box.seal('same', 'x'), 'a random IV each time');
  t.is(new SecretBox(Buffer.from(key)).open(sealed, 'domain-1'), '-----BEGIN PRIVATE KEY-----\nabc');
  t.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'domain-1'), { instanceOf: SecretUnreadableError });
  t.throws(() => box.open(sealed, 'domain-2'), { instanceOf: SecretUnreadableError }, 'copied onto another record');
  const [v, iv, tag, ct] = sealed.split('.');
  // One bit of the ciphertext's bytes: swapping a character for a fixed letter changed nothing
  // whenever the character already was that letter.
  const bytes = Buffer.from(ct!, 'base64url');
  bytes.writeUInt8(bytes.readUInt8(0) ^ 1, 0);
  const flipped = bytes.toString('base64url');
  t.not(flipped, ct);
  t.throws(() => box.open([v, iv, tag, flipped].join('.'), 'domain-1'), { instanceOf: SecretUnreadableError }, 'an altered byte');
  t.throws(() => box.open('garbage', 'domain-1'), { instanceOf: SecretUnreadableError });
});

test('the key id names the key without revealing it', (t) => {
  const key = randomBytes(32);
  t.is(new SecretBox(key).keyId, new SecretBox(Buffer.from(key)).keyId);
  t.not(new SecretBox(key).keyId, new SecretBox(randomBytes(32)).keyId);
  t.false(key.toString('hex').includes(new SecretBox(key).keyId));
});

test('SECRETS_KEY: 64 hex characters or base64 of 32 bytes; anything else stops the boot naming it', (t) => {
  const key = randomBytes(32);
  t.deepEqual(parseSecretsKey(key.toString('hex')), key);
  t.deepEqual(parseSecretsKey(key.toString('hex').toUpperCase()), key);
  t.deepEqual(parseSecretsKey(key.toString('base64')), key);
  t.deepEqual(parseSecretsKey(key.toString('base64url')), key);
  for (const bad of ['', 'abc', key.toString('hex').slice(2), randomBytes(31).toString('base64'), randomBytes(33).toString('hex')]) t.is(parseSecretsKey(bad), null);
  t.throws(() => loadConfig({ SECRETS_KEY: 'short' }), { message: /SECRETS_KEY: must be 32 bytes/ });
  t.deepEqual(loadConfig({ SECRETS_KEY: key.toString('base64') }).secretsKey, key);
  t.is(loadConfig({}).secretsKey, null);
});

test('DNS_SERVERS: IPs with optional ports, in the form node:dns takes', (t) => {
  t.deepEqual(parseDnsServers('1.1.1.1, 8.8.8.8:53,[::1]:5353,2001:db8::1'), ['1.1.1.1', '8.8.8.8:53', '[::1]:5353', '2001:db8::1']);
  for (const bad of ['dns.google', '1.1.1.1:0', '1.1.1.1:70000', '1.1.1', '', ',']) t.is(parseDnsServers(bad), null, bad);
  t.throws(() => loadConfig({ DNS_SERVERS: 'resolver.example' }), { message: /DNS_SERVERS/ });
});

test('MAIL_HOSTNAME, SPF_INCLUDE and DOMAIN_RECHECK_HOURS', (t) => {
  const config = loadConfig({ MAIL_HOSTNAME: 'MX.Example.com', DOMAIN_RECHECK_HOURS: '0.5' });
  t.like(config.domains, { mailHostname: 'mx.example.com', mailHostnameIsDefault: false, spfMechanism: 'a:mx.example.com', recheckMs: 1_800_000, dnsServers: null });
  t.true(loadConfig({}).domains.mailHostnameIsDefault);
  t.is(loadConfig({}).domains.recheckMs, 6 * 3_600_000);
  t.is(loadConfig({ SPF_INCLUDE: 'include:_spf.relay.example' }).domains.spfMechanism, 'include:_spf.relay.example');
  t.is(loadConfig({ SPF_INCLUDE: '_spf.relay.example' }).domains.spfMechanism, 'include:_spf.relay.example');
  t.is(loadConfig({ SPF_INCLUDE: 'ip4:192.0.2.1' }).domains.spfMechanism, 'ip4:192.0.2.1');
  for (const bad of [{ SPF_INCLUDE: 'include:a b' }, { SPF_INCLUDE: 'v=spf1 -all' }, { MAIL_HOSTNAME: 'not a host' }, { DOMAIN_RECHECK_HOURS: '0' }, { DOMAIN_RECHECK_HOURS: '1000' }]) {
    t.throws(() => loadConfig(bad), undefined, JSON.stringify(bad));
  }
});
