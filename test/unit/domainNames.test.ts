import test from 'ava';
import fc from 'fast-check';
import { domainOfAddress, normalizeDomainName } from '../../app/domain/domainNames';

const ok = (input: string, reserved: string | null = null) => {
  const result = normalizeDomainName(input, reserved);
  return result.ok ? result.name : null;
};

test('names are lowercased, trimmed and converted to punycode', (t) => {
  t.is(ok('Example.COM'), 'example.com');
  t.is(ok('  mail.example.com\t'), 'mail.example.com');
  t.is(ok('bücher.example'), 'xn--bcher-kva.example');
  t.is(ok('BÜCHER.example'), 'xn--bcher-kva.example');
  t.is(ok('xn--bcher-kva.example'), 'xn--bcher-kva.example');
  t.is(ok('例え.テスト'), 'xn--r8jz45g.xn--zckzah');
  t.is(ok('a-b.c-d.example'), 'a-b.c-d.example');
  t.is(ok('example\uff0ecom'), 'example.com', 'a full-width dot is a dot (IDNA mapping)');
  t.is(ok('exa\u200bmple.com'), 'example.com', 'IDNA maps a zero-width space to nothing: the stored name is what DNS sees');
  t.is(ok(`${'a'.repeat(63)}.com`), `${'a'.repeat(63)}.com`);
});

test('refused: spaces, dots at the ends, empty labels, one label, IPs, bad labels, too long, numeric TLDs', (t) => {
  const bad = [
    '',
    'exa mple.com',
    'example.com.',
    '.example.com',
    'a..b.com',
    'localhost',
    '192.0.2.1',
    '0x7f.1',
    '127.1',
    '::1',
    '[::1]',
    '2001:db8::1',
    '-a.example.com',
    'a-.example.com',
    'a_b.example.com',
    `${'a'.repeat(64)}.com`,
    `${'a.'.repeat(127)}com`,
    'a'.repeat(2000),
    'example.123',
    'user@example.com',
    'http://example.com',
    'example.com/path',
    'exa%mple.com',
    'xn--a.example',
    'a\u0000b.com',
    'example.com?x',
    'example.com#x',
    'example.com:25',
    'a\\b.com',
    'a\uff0fb.com',
    '\u202e.com',
  ];
  for (const name of bad) t.is(ok(name), null, JSON.stringify(name.slice(0, 40)));
});

test("the server's default domain is refused in any case", (t) => {
  t.is(ok('sendook.local', 'sendook.local'), null);
  t.is(ok('SendOok.LOCAL', 'sendook.local'), null);
  t.is(ok('sub.sendook.local', 'sendook.local'), 'sub.sendook.local');
  const result = normalizeDomainName('sendook.local', 'sendook.local');
  t.false(result.ok);
  if (!result.ok) t.regex(result.problem, /default email domain/);
});

test('whatever the input, the result is either a problem or a valid lowercase ASCII name of at most 253 characters', (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (input) => {
      const result = normalizeDomainName(input);
      if (!result.ok) return typeof result.problem === 'string';
      return result.name.length <= 253 && /^[a-z0-9.-]+$/.test(result.name) && result.name.split('.').length >= 2 && normalizeDomainName(result.name).ok;
    }),
  );
  t.pass();
});

test('domainOfAddress takes the part after the last @, lowercased', (t) => {
  t.is(domainOfAddress('Ann@Example.COM'), 'example.com');
  t.is(domainOfAddress('"a@b"@example.com'), 'example.com');
});
