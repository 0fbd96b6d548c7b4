import test from 'ava';
import { isPrivateAddress } from '../../app/lib/privateAddress';

// IPv6 forms that carry an IPv4 address inside must be judged like that address
// (or refused outright), or a webhook can reach 127.0.0.1 through a literal that only looks public.
test('IPv6 literals that embed an IPv4 address are private: compatible, translated, NAT64 (both prefixes)', (t) => {
  for (const address of [
    '::7f00:1', // IPv4-compatible ::127.0.0.1 (deprecated form, RFC 4291 §2.5.5.1)
    '::127.0.0.1',
    '::a00:1',
    '::ffff:0:127.0.0.1', // IPv4-translated (RFC 2765)
    '::ffff:0:a00:1',
    '::ffff:0:808:808', // even a public IPv4 inside: no legitimate target uses this form
    '64:ff9b::7f00:1', // NAT64 well-known prefix (RFC 6052)
    '64:ff9b::808:808',
    '64:ff9b:1::a00:1', // NAT64 local-use prefix (RFC 8215)
    '64:ff9b:1:ffff::7f00:1',
    '::ffff:127.0.0.1', // IPv4-mapped, already covered by BlockList
  ]) {
    t.true(isPrivateAddress(address), address);
  }
});

test('ordinary public addresses stay allowed', (t) => {
  for (const address of ['8.8.8.8', '93.184.216.34', '2001:4860:4860::8888', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9c::1']) {
    t.false(isPrivateAddress(address), address);
  }
});
