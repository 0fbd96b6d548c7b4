import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ConfigError, loadConfig } from '../../config';

const rsaPem = () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

test('without DEFAULT_DKIM_* the default domain is not signed', (t) => {
  t.is(loadConfig({}).defaultDkim, null);
});

test('DEFAULT_DKIM_PRIVATE_KEY as a PEM, with its line breaks written as \\n on one line', (t) => {
  const pem = rsaPem();
  const multiLine = loadConfig({ DEFAULT_DKIM_SELECTOR: 'Mail2026', DEFAULT_DKIM_PRIVATE_KEY: pem });
  t.deepEqual(multiLine.defaultDkim, { keySelector: 'mail2026', privateKey: pem });
  const oneLine = loadConfig({ DEFAULT_DKIM_SELECTOR: 'mail', DEFAULT_DKIM_PRIVATE_KEY: pem.replace(/\n/g, '\\n') });
  t.is(oneLine.defaultDkim?.privateKey, pem);
});

test('DEFAULT_DKIM_PRIVATE_KEY_FILE is read at boot', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dkim-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pem = rsaPem();
  writeFileSync(join(dir, 'key.pem'), pem);
  t.is(loadConfig({ DEFAULT_DKIM_SELECTOR: 'mail', DEFAULT_DKIM_PRIVATE_KEY_FILE: join(dir, 'key.pem') }).defaultDkim?.privateKey, pem);
  const missing = t.throws(() => loadConfig({ DEFAULT_DKIM_SELECTOR: 'mail', DEFAULT_DKIM_PRIVATE_KEY_FILE: join(dir, 'absent.pem') }), { instanceOf: ConfigError });
  t.regex(missing?.message ?? '', /DEFAULT_DKIM_PRIVATE_KEY_FILE: cannot be read \(ENOENT\)/);
});

test('half a DKIM setting, two keys, a key that does not parse or is not RSA stop the boot', (t) => {
  const pem = rsaPem();
  const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ DEFAULT_DKIM_SELECTOR: 'mail' }, /DEFAULT_DKIM_SELECTOR needs DEFAULT_DKIM_PRIVATE_KEY/],
    [{ DEFAULT_DKIM_PRIVATE_KEY: pem }, /DEFAULT_DKIM_PRIVATE_KEY needs DEFAULT_DKIM_SELECTOR/],
    [{ DEFAULT_DKIM_SELECTOR: 'mail', DEFAULT_DKIM_PRIVATE_KEY: pem, DEFAULT_DKIM_PRIVATE_KEY_FILE: '/x' }, /both set/],
    [{ DEFAULT_DKIM_SELECTOR: 'mail', DEFAULT_DKIM_PRIVATE_KEY: 'not a key' }, /DEFAULT_DKIM_PRIVATE_KEY: is not a PEM private key/],
    [{ DEFAULT_DKIM_SELECTOR: 'mail', DEFAULT_DKIM_PRIVATE_KEY: pem.slice(0, 200) }, /is not a PEM private key/],
    [{ DEFAULT_DKIM_SELECTOR: 'mail', DEFAULT_DKIM_PRIVATE_KEY: ed25519 }, /must be an RSA private key/],
    [{ DEFAULT_DKIM_SELECTOR: 'no spaces', DEFAULT_DKIM_PRIVATE_KEY: pem }, /DEFAULT_DKIM_SELECTOR: must be a DNS label/],
  ];
  for (const [env, message] of cases) {
    const error = t.throws(() => loadConfig(env), { instanceOf: ConfigError }, JSON.stringify(Object.keys(env)));
    t.regex(error?.message ?? '', message);
    // The refusal never quotes the key.
    t.false((error?.message ?? '').includes('BEGIN'), 'no key material in the message');
  }
});
