import test from 'ava';
import { canonicalBody, idempotencyKeyHash, isIdempotencyKey, isKeptStatus, keptBody, requestFingerprint } from '../../app/domain/idempotency';

test('an Idempotency-Key is 1 to 255 printable ASCII characters', (t) => {
  for (const good of ['a', ' ', '~', 'x'.repeat(255), '550e8400-e29b-41d4-a716-446655440000', 'order 17 / "retry"']) t.true(isIdempotencyKey(good), good);
  for (const bad of ['', 'x'.repeat(256), 'tab\there', 'new\nline', 'caf\u00e9', '\u0000', 'del\u007f', 'emoji \u{1F600}']) t.false(isIdempotencyKey(bad), JSON.stringify(bad));
});

test('the canonical body sorts keys at every depth and drops whitespace; values and array order count', (t) => {
  t.is(canonicalBody(JSON.parse('{ "b": 1, "a": { "d": [2, 1], "c": "x" } }')), '{"a":{"c":"x","d":[2,1]},"b":1}');
  t.is(canonicalBody(JSON.parse('{"n": 1.0, "e": 1e2, "s": "\\u0041"}')), '{"e":100,"n":1,"s":"A"}');
  t.is(canonicalBody(undefined), '{}', 'no body reads as {}');
  t.not(canonicalBody({ list: [1, 2] }), canonicalBody({ list: [2, 1] }));
});

test('the fingerprint covers method, path with query and canonical body', (t) => {
  const base = requestFingerprint('POST', '/v1/inboxes', { name: 'a', email: 'x@y.z' });
  t.is(requestFingerprint('post', '/v1/inboxes', { email: 'x@y.z', name: 'a' }), base);
  t.not(requestFingerprint('PATCH', '/v1/inboxes', { name: 'a', email: 'x@y.z' }), base);
  t.not(requestFingerprint('POST', '/v1/inboxes?x=1', { name: 'a', email: 'x@y.z' }), base);
  t.not(requestFingerprint('POST', '/v1/inboxes', { name: 'b', email: 'x@y.z' }), base);
  t.regex(base, /^[0-9a-f]{64}$/);
});

test('keys are compared byte for byte (by hash): case and trailing spaces make another key', (t) => {
  t.not(idempotencyKeyHash('abc'), idempotencyKeyHash('ABC'));
  t.not(idempotencyKeyHash('abc'), idempotencyKeyHash('abc '));
});

test('2xx and 4xx answers are kept; 429 and 5xx are not', (t) => {
  for (const kept of [200, 201, 400, 403, 404, 409, 422]) t.true(isKeptStatus(kept), String(kept));
  for (const not of [429, 500, 502, 503]) t.false(isKeptStatus(not), String(not));
});

test('the kept body leaves out the secrets an answer shows once', (t) => {
  t.is(keptBody({ id: 'k', name: 'n', key: 'sndk_secret' }), '{"id":"k","name":"n"}');
  t.is(keptBody({ id: 'w', secret: 'whsec' }), '{"id":"w"}');
  t.is(keptBody({ id: 'm', subject: 'key', key: null }), '{"id":"m","subject":"key","key":null}', 'only string values are secrets');
  t.is(keptBody([{ key: 'x' }]), '[{"key":"x"}]');
});
