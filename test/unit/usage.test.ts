import test from 'ava';
import { bucketStart, outcomeOf } from '../../app/domain/usage';

test('outcomes: a refused key wins over its status; 429 is rate limited; other 4xx and 5xx by class; the rest accepted', (t) => {
  t.is(outcomeOf(401, true), 'key_refused');
  t.is(outcomeOf(429, true), 'key_refused', 'a refusal that tipped the failed-attempt throttle');
  t.is(outcomeOf(429, false), 'rate_limited');
  t.is(outcomeOf(404, false), 'client_error');
  t.is(outcomeOf(401, false), 'client_error');
  t.is(outcomeOf(503, false), 'server_error');
  t.is(outcomeOf(200, false), 'accepted');
  t.is(outcomeOf(201, false), 'accepted');
  t.is(outcomeOf(304, false), 'accepted');
});

test('buckets start on the UTC minute, hour and day', (t) => {
  const at = Date.parse('2026-11-30T13:47:21.345Z');
  t.is(new Date(bucketStart(at, 'minute')).toISOString(), '2026-11-30T13:47:00.000Z');
  t.is(new Date(bucketStart(at, 'hour')).toISOString(), '2026-11-30T13:00:00.000Z');
  t.is(new Date(bucketStart(at, 'day')).toISOString(), '2026-11-30T00:00:00.000Z');
});
