import test from 'ava';
import { crc32 } from 'node:zlib';
import { parseBearer } from '../../app/lib/bearer';
import { API_KEY_PREFIX, ACCESS_TOKEN_PREFIX, checksum, generateSecret, hashSecret, isWellFormed, secretStart } from '../../app/lib/credentials';
import { isId, newId } from '../../app/lib/ids';

test('a generated key has the contract format: prefix, 32 base62 characters, 6-character checksum', (t) => {
  const key = generateSecret(API_KEY_PREFIX);
  t.regex(key, /^sndk_[0-9A-Za-z]{38}$/);
  t.true(isWellFormed(key, API_KEY_PREFIX));
  t.is(secretStart(key), key.slice(0, 9));
});

test('the checksum is the base62 CRC-32 of everything before it, zero-padded', (t) => {
  const body = 'sndk_' + 'a'.repeat(32);
  const n = crc32(body);
  let expected = '';
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  for (let v = n; v > 0; v = Math.floor(v / 62)) expected = alphabet[v % 62] + expected;
  t.is(checksum(body), expected.padStart(6, '0'));
});

test('a wrong checksum, wrong prefix, wrong length or foreign character is not well formed', (t) => {
  const key = generateSecret(API_KEY_PREFIX);
  const flipped = key.slice(0, 10) + (key[10] === 'A' ? 'B' : 'A') + key.slice(11);
  t.false(isWellFormed(flipped, API_KEY_PREFIX));
  t.false(isWellFormed(key, ACCESS_TOKEN_PREFIX));
  t.false(isWellFormed(key + 'x', API_KEY_PREFIX));
  t.false(isWellFormed(key.slice(0, -1) + '-', API_KEY_PREFIX));
  t.false(isWellFormed('', API_KEY_PREFIX));
  // The checksum's own digits: one changed, and one beyond any CRC-32 (62^6 > 2^32).
  t.false(isWellFormed(key.slice(0, -1) + (key.endsWith('0') ? '1' : '0'), API_KEY_PREFIX));
  t.false(isWellFormed(key.slice(0, -6) + 'zzzzzz', API_KEY_PREFIX));
  t.true(isWellFormed(key, API_KEY_PREFIX));
  t.true(isWellFormed(generateSecret(ACCESS_TOKEN_PREFIX), ACCESS_TOKEN_PREFIX));
});

test('secrets are random and hashed as SHA-256 hex', (t) => {
  const a = generateSecret(API_KEY_PREFIX);
  t.not(a, generateSecret(API_KEY_PREFIX));
  t.regex(hashSecret(a), /^[0-9a-f]{64}$/);
  t.not(hashSecret(a), a);
});

test('parseBearer reads only the Bearer scheme, case-insensitively', (t) => {
  t.is(parseBearer(undefined), null);
  t.is(parseBearer('Basic abc'), null);
  t.is(parseBearer('Bearer'), null);
  t.is(parseBearer('Bearer abc'), 'abc');
  t.is(parseBearer('bearer abc'), 'abc');
  t.is(parseBearer('BEARER abc'), 'abc');
  t.is(parseBearer('Bearer '), '');
  t.is(parseBearer('Bearer Bearer abc'), 'Bearer abc');
});

test('ids are 24 hex characters and sort by creation time', (t) => {
  const first = newId(1_000);
  const second = newId(2_000);
  t.true(isId(first));
  t.true(first < second);
  const burst = Array.from({ length: 100 }, () => newId(5_000));
  t.deepEqual([...burst].sort(), burst);
  t.false(isId('not-an-id'));
});
