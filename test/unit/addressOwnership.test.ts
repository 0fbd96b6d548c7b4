import test from 'ava';
import { asciiDomainOf } from '../../app/services/addressOwnership';

// The rule itself runs end to end in test/addressOwnership.test.ts; this is its one pure part.
test('the domain of an address as domains are named: lowercased ASCII (IDNA), the whole name', (t) => {
  t.is(asciiDomainOf('X@Example.COM'), 'example.com');
  t.is(asciiDomainOf('x@bücher.example'), 'xn--bcher-kva.example');
  t.is(asciiDomainOf('x@mail.example.com'), 'mail.example.com');
  t.is(asciiDomainOf('"a@b"@example.com'), 'example.com', 'the domain follows the last @');
});
