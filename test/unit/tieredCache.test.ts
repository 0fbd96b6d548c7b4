import test from 'ava';
import { TieredCache } from '../../app/cache/tieredCache';
import type { SharedStore } from '../../app/cache/sharedStore';

// Pure logic of the tiers, with a Map standing in for Redis (SET NX semantics included).
function mapStore(): SharedStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async (key) => data.get(key) ?? null,
    set: async (key, value, _ttl, onlyIfAbsent) => {
      if (onlyIfAbsent && data.has(key)) return;
      data.set(key, value);
    },
    // The Lua script's semantics: keep a held object whose version field is greater.
    setNewer: async (key, value, version, field) => {
      const held = data.get(key);
      const parsed = held === undefined ? null : (JSON.parse(held) as Record<string, unknown> | null);
      if (parsed && typeof parsed === 'object' && Number(parsed[field]) > version) return held!;
      data.set(key, value);
      return value;
    },
  };
}

function cacheOver(load: (id: string) => Promise<{ v: number } | null>, shared: SharedStore | null = mapStore()) {
  return new TieredCache<{ v: number }>({
    local: { max: 100, ttlMs: 60_000, negativeTtlMs: 60_000 },
    shared,
    sharedKey: (id) => `k:${id}`,
    sharedTtlSeconds: 60,
    negativeSharedTtlSeconds: 60,
    load,
  });
}

test('concurrent misses share one load; later gets hit the in-process tier', async (t) => {
  let loads = 0;
  const cache = cacheOver(async () => {
    loads++;
    return { v: 1 };
  });
  const values = await Promise.all(Array.from({ length: 50 }, () => cache.get('a')));
  t.true(values.every((v) => v?.v === 1));
  await cache.get('a');
  t.is(loads, 1);
});

test('absent ids are cached as misses in both tiers', async (t) => {
  let loads = 0;
  const shared = mapStore();
  const cache = cacheOver(async () => {
    loads++;
    return null;
  }, shared);
  t.is(await cache.get('x'), null);
  t.is(await cache.get('x'), null);
  t.is(loads, 1);
  await new Promise((r) => setImmediate(r));
  t.is(shared.data.get('k:x'), 'null');
});

test('a load that started before a write cannot put the old state back in either tier', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const shared = mapStore();
  const cache = cacheOver(async () => {
    await gate; // the database read happened before the change...
    return { v: 1 };
  }, shared);
  const stale = cache.get('a');
  await cache.write('a', { v: 2 }); // ...and the change is written while the load is in flight
  release();
  t.deepEqual(await stale, { v: 1 }, 'the caller of the old load gets what it read');
  await new Promise((r) => setImmediate(r));
  t.deepEqual(await cache.get('a'), { v: 2 });
  t.is(shared.data.get('k:a'), JSON.stringify({ v: 2 }));
});

test('writes the shared tier missed are replayed by flushPending', async (t) => {
  const shared = mapStore();
  let down = true;
  const flaky: SharedStore = {
    get: (key) => shared.get(key),
    set: async (...args) => {
      if (down) throw new Error('redis down');
      return shared.set(...args);
    },
    setNewer: async (...args) => {
      if (down) throw new Error('redis down');
      return shared.setNewer(...args);
    },
  };
  const cache = cacheOver(async () => ({ v: 1 }), flaky);
  await cache.write('a', { v: 3 });
  t.deepEqual(await cache.get('a'), { v: 3 }, 'effective in process at once');
  t.false(shared.data.has('k:a'));
  down = false;
  await cache.flushPending();
  t.is(shared.data.get('k:a'), JSON.stringify({ v: 3 }));
});

test('peek answers from the in-process tier only: a record, null for a cached miss, undefined otherwise', async (t) => {
  const cache = cacheOver(async (id) => (id === 'known' ? { v: 7 } : null));
  t.is(cache.peek('known'), undefined); // not loaded yet: peek never loads
  t.deepEqual(await cache.get('known'), { v: 7 });
  t.deepEqual(cache.peek('known'), { v: 7 });
  t.is(cache.peek('absent'), undefined);
  t.is(await cache.get('absent'), null);
  t.is(cache.peek('absent'), null);
  cache.invalidateLocal('known');
  t.is(cache.peek('known'), undefined);
});

test('with the caches disabled, peek holds nothing and every get loads', async (t) => {
  let loads = 0;
  const cache = new TieredCache<{ v: number }>({
    local: { max: 100, ttlMs: 60_000, negativeTtlMs: 60_000 },
    shared: mapStore(),
    sharedKey: (id) => `k:${id}`,
    sharedTtlSeconds: 60,
    negativeSharedTtlSeconds: 60,
    load: async () => {
      loads++;
      return { v: 1 };
    },
    disabled: true,
  });
  await cache.get('a');
  await cache.get('a');
  t.is(cache.peek('a'), undefined);
  t.is(loads, 2);
});

function versionedCache(shared: SharedStore, onLateWrite?: (id: string) => void) {
  return new TieredCache<{ v: number; state: string }>({
    local: { max: 100, ttlMs: 60_000, negativeTtlMs: 60_000 },
    shared,
    sharedKey: (id) => `k:${id}`,
    sharedTtlSeconds: 60,
    negativeSharedTtlSeconds: 60,
    load: async () => null,
    versionField: 'v',
    onLateWrite,
  });
}

test('with a version field, a write that lands after a newer one changes neither tier', async (t) => {
  const shared = mapStore();
  const here = versionedCache(shared);
  const there = versionedCache(shared);
  await there.write('a', { v: 2, state: 'deleted' });
  await here.write('a', { v: 1, state: 'active' }); // read before the deletion, written after it
  t.is(shared.data.get('k:a'), JSON.stringify({ v: 2, state: 'deleted' }));
  t.deepEqual(await here.get('a'), { v: 2, state: 'deleted' }, 'this instance takes what Redis holds');
});

test('a write Redis missed is retried on a timer until it lands, then onLateWrite is called (no reconnect needed)', async (t) => {
  const shared = mapStore();
  let down = true;
  const flaky: SharedStore = {
    get: (key) => shared.get(key),
    set: async (...args) => (down ? Promise.reject(new Error('circuit open')) : shared.set(...args)),
    setNewer: async (...args) => (down ? Promise.reject(new Error('circuit open')) : shared.setNewer(...args)),
  };
  const late: string[] = [];
  const cache = versionedCache(flaky, (id) => late.push(id));
  t.teardown(() => cache.close());
  await cache.write('a', { v: 5, state: 'deleted' });
  t.is(cache.pendingWrites, 1);
  down = false;
  const deadline = Date.now() + 5000;
  while (cache.pendingWrites > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.is(cache.pendingWrites, 0);
  t.is(shared.data.get('k:a'), JSON.stringify({ v: 5, state: 'deleted' }));
  t.deepEqual(late, ['a']);
});
