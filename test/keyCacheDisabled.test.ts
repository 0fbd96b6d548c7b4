import test from 'ava';
import { register, TestWorld } from './helpers/testApp';

// KEY_CACHE_DISABLED is the benchmark's baseline (npm run bench): the pipeline without its key
// cache. Counts, not timings, as in hotPath.test.ts.
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

test('with KEY_CACHE_DISABLED every request makes one key lookup query, even for a warm key', async (t) => {
  const app = await world.start({ KEY_CACHE_DISABLED: 'true' });
  const account = await register(app);
  await app.get('/v1/health', { auth: account.key });
  const before = app.deps.counters.snapshot();
  for (let i = 0; i < 10; i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  const after = app.deps.counters.snapshot();
  t.is(after.keyLookupQueries - before.keyLookupQueries, 10);
});

test('without it the same warm requests make no key lookup query', async (t) => {
  const app = await world.start();
  const account = await register(app);
  await app.get('/v1/health', { auth: account.key });
  const before = app.deps.counters.snapshot();
  for (let i = 0; i < 10; i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  t.is(app.deps.counters.snapshot().keyLookupQueries - before.keyLookupQueries, 0);
});
