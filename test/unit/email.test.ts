import test from 'ava';
import { createHmac } from 'node:crypto';
import { addressCandidates, localPartFrom } from '../../app/lib/addresses';
import { containsPattern } from '../../app/lib/like';
import { isLocalhostName, isPrivateAddress, literalAddress } from '../../app/lib/privateAddress';
import { signPayload, verifySignature } from '../../app/lib/webhookSignature';
import { backoffDelay } from '../../app/infra/deliveryQueue';

test('the signature is hex HMAC-SHA256 of "<t>.<body>" with the secret, as the contract says', (t) => {
  const body = '{"id":"1","event":"webhook.test"}';
  const header = signPayload('whsec_abc', body, 1700000000);
  const expected = createHmac('sha256', 'whsec_abc').update(`1700000000.${body}`).digest('hex');
  t.is(header, `t=1700000000,v1=${expected}`);
  t.true(verifySignature(header, 'whsec_abc', body, 300, 1700000000_000));
  t.false(verifySignature(header, 'whsec_abd', body, 300, 1700000000_000), 'another secret');
  t.false(verifySignature(header, 'whsec_abc', body + ' ', 300, 1700000000_000), 'another body');
  t.false(verifySignature(header, 'whsec_abc', body, 300, 1700000301_000), 'too old');
  t.false(verifySignature('t=1700000000,v1=zz', 'whsec_abc', body, 300, 1700000000_000));
  t.false(verifySignature('garbage', 'whsec_abc', body));
});

test('private, loopback and reserved addresses are told from public ones', (t) => {
  for (const a of ['127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd12:3456::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1']) {
    t.true(isPrivateAddress(a), a);
  }
  for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', 'example.com']) {
    t.false(isPrivateAddress(a), a);
  }
  t.true(isLocalhostName('LOCALHOST'));
  t.true(isLocalhostName('a.b.localhost.'));
  t.false(isLocalhostName('localhost.example.com'));
  t.is(literalAddress('[::1]'), '::1');
  t.is(literalAddress('10.0.0.1'), '10.0.0.1');
  t.is(literalAddress('example.com'), null);
});

test('generated addresses come from the name, then from the name with a random suffix', (t) => {
  t.is(localPartFrom('Sales Team (EU)'), 'sales-team-eu');
  t.is(localPartFrom('Équipe Café'), 'equipe-cafe');
  t.is(localPartFrom('  ***  '), 'inbox');
  t.is(localPartFrom(null), 'inbox');
  t.is(localPartFrom('x'.repeat(100)).length, 40);
  const [first, ...rest] = addressCandidates('Billing', 'sendook.local');
  t.is(first, 'billing@sendook.local');
  t.is(rest.length, 4);
  for (const c of rest) t.regex(c, /^billing-[a-z0-9]{6}@sendook\.local$/);
  t.is(new Set(rest).size, 4);
});

test('a search string becomes a LIKE pattern with its wildcards and the escape taken literally', (t) => {
  t.is(containsPattern('abc'), '%abc%');
  t.is(containsPattern('100%'), '%100\\%%');
  t.is(containsPattern('a_b'), '%a\\_b%');
  t.is(containsPattern('back\\slash'), '%back\\\\slash%');
  t.is(containsPattern('.*[x]'), '%.*[x]%');
});

test('the in-process backoff doubles like BullMQ exponential backoff', (t) => {
  const policy = { maxAttempts: 5, backoffMs: 100, concurrency: 1 };
  t.deepEqual([1, 2, 3, 4].map((n) => backoffDelay(policy, n)), [100, 200, 400, 800]);
});
