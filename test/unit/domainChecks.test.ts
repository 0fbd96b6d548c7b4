import test from 'ava';
import { hasDkimKey, hasDmarcPolicy, hasMx, hasOwnershipToken, hasSpfMechanism } from '../../app/domain/domainChecks';

test('ownership: only the exact token', (t) => {
  t.true(hasOwnershipToken(['other', 'sendook-verification=abc'], 'abc'));
  for (const txt of ['sendook-verification=abcd', 'sendook-verification=ab', ' sendook-verification=abc', 'SENDOOK-VERIFICATION=abc', 'sendook-verification=ABC']) {
    t.false(hasOwnershipToken([txt], 'abc'), txt);
  }
  t.false(hasOwnershipToken([], 'abc'));
});

test('MX: the host, any case, with or without the root dot; not one that merely contains it', (t) => {
  t.true(hasMx(['MX.Sendook.test'], 'mx.sendook.test'));
  t.true(hasMx(['backup.example', 'mx.sendook.test.'], 'mx.sendook.test'));
  t.false(hasMx(['mx.sendook.test.evil'], 'mx.sendook.test'));
  t.false(hasMx(['evil-mx.sendook.test'], 'mx.sendook.test'));
  t.false(hasMx([], 'mx.sendook.test'));
});

test('SPF: one v=spf1 record containing the mechanism, with or without +', (t) => {
  t.true(hasSpfMechanism(['v=spf1 a:mx.test ~all'], 'a:mx.test'));
  t.true(hasSpfMechanism(['verification', 'v=spf1 include:_spf.google.com +A:MX.test -all'], 'a:mx.test'));
  t.true(hasSpfMechanism(['V=SPF1   include:relay.test'], 'include:relay.test'));
  t.false(hasSpfMechanism(['v=spf1 a:mx.test.evil ~all'], 'a:mx.test'));
  t.false(hasSpfMechanism(['v=spf1 -a:mx.test'], 'a:mx.test'), 'a fail qualifier is not the mechanism');
  t.false(hasSpfMechanism(['v=spf1 a:mx.test', 'v=spf1 -all'], 'a:mx.test'), 'two SPF records are an error');
  t.false(hasSpfMechanism(['v=spf10 a:mx.test'], 'a:mx.test'));
  t.false(hasSpfMechanism(['a:mx.test'], 'a:mx.test'));
});

test('DKIM: one record with exactly the key; v and k, when present, must be DKIM1 and rsa', (t) => {
  const p = 'MIIBIjANBgkq';
  t.true(hasDkimKey([`v=DKIM1; k=rsa; p=${p}`], p));
  t.true(hasDkimKey([`p=${p}`], p));
  t.true(hasDkimKey([`v=DKIM1; k=rsa; p=MIIB IjAN Bgkq;`], p), 'whitespace inside p= is folding');
  t.false(hasDkimKey([`v=DKIM1; k=rsa; p=${p}x`], p));
  t.false(hasDkimKey([`v=DKIM1; k=ed25519; p=${p}`], p));
  t.false(hasDkimKey([`v=DKIM2; p=${p}`], p));
  t.false(hasDkimKey([`v=DKIM1; p=${p}; p=other`], p), 'a repeated tag is invalid');
  t.false(hasDkimKey([`v=DKIM1; p=${p}`, `v=DKIM1; p=${p}`], p), 'two records are ambiguous');
  t.false(hasDkimKey([`v=DKIM1; p=`], p));
  t.false(hasDkimKey([], p));
});

test('DMARC: exactly one v=DMARC1 record', (t) => {
  t.true(hasDmarcPolicy(['v=DMARC1; p=quarantine']));
  t.true(hasDmarcPolicy(['v=DMARC1']));
  t.false(hasDmarcPolicy(['v=DMARC1; p=none', 'v=DMARC1; p=reject']));
  t.false(hasDmarcPolicy(['v=dmarc1; p=none']));
  t.false(hasDmarcPolicy(['v=DMARC10; p=none']));
  t.false(hasDmarcPolicy([]));
});
