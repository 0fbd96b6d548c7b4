import test from 'ava';
import { requestIds } from '../../app/middleware/requestId';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('request ids are version-4 UUIDs, unique within a process and between processes', (t) => {
  const next = requestIds();
  const seen = new Set<string>();
  for (let i = 0; i < 100_000; i++) seen.add(next());
  t.is(seen.size, 100_000);
  for (const id of [...seen].slice(0, 3)) t.regex(id, UUID_V4);
  // Another process (or app) draws its own random part.
  const other = requestIds()();
  t.regex(other, UUID_V4);
  t.false(seen.has(other));
  t.not(other.slice(0, 24), next().slice(0, 24));
});
