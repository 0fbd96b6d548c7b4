import test from 'ava';
import { OccurrenceCounter } from '../helpers/occurrences';

// test/shutdown.test.ts once waited for 20 list queries by counting TCP chunks that
// contained "from `api_keys`"; two queries in one chunk counted once and the wait never ended.
test('two queries in one chunk count twice, one split over two chunks counts once', (t) => {
  const q = 'select * from `api_keys` where `organization_id` = ?';
  const counter = new OccurrenceCounter('from `api_keys`');
  counter.feed(Buffer.from(`\u0003${q}\u0000\u0003${q}`));
  t.is(counter.count, 2);
  counter.feed(Buffer.from('\u0003select * from `api_'));
  t.is(counter.count, 2);
  counter.feed(Buffer.from('keys` where 1'));
  t.is(counter.count, 3);
  counter.feed(Buffer.from('from `api_keys`from `api_keys`'));
  t.is(counter.count, 5);
});
