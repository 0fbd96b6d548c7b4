import test from 'ava';
import { hashSecret } from '../app/lib/credentials';
import { eventually } from './helpers/eventually';
import { register, TestWorld, type TestApp } from './helpers/testApp';

// A DELETE racing a PATCH must never bring the deleted key back into a cache.
// Without versioned cache writes the PATCH built the cached state from the row it read before
// its unconditional UPDATE, so when its cache write landed after the DELETE's, both tiers said "active" again for
// up to KEY_CACHE_REDIS_TTL while the database said "deleted".
let world: TestWorld;
let instances: [TestApp, TestApp];
test.before(async () => {
  world = await TestWorld.create();
  // Deleted keys are tried on purpose (no failed-attempt lockout), and many requests are made.
  const env = { AUTH_FAIL_POINTS: '100000', RATE_LIMIT_POINTS: '100000' };
  instances = (await Promise.all([world.start(env), world.start(env)])) as [TestApp, TestApp];
});
test.after.always(() => world?.close());

const ROUNDS = 4;
const KEYS_PER_ROUND = 25;

test('concurrent PATCH (reactivate) and DELETE of the same key, many times: every deleted key is refused on every instance', async (t) => {
  const [a, b] = instances;
  const account = await register(a);
  const stale: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Inactive keys, warm on both instances: a PATCH { active: true } is a state change that is
    // written to the caches, which is what can race the DELETE's write.
    const keys = await Promise.all(
      Array.from({ length: KEYS_PER_ROUND }, async (_, i) => {
        const created = await a.post('/v1/api_keys', { auth: account.key, body: { name: `r${round}-${i}` } });
        t.is(created.status, 201);
        t.is((await b.patch(`/v1/api_keys/${created.body.id}`, { auth: account.key, body: { active: false } })).status, 200);
        // b refuses at once. a primed its tiers when it created the key and drops that copy when
        // b's invalidation reaches it (docs/architecture.md, "Revocation"), so a is given the
        // bounded wait the checks below give pub/sub: the PUBLISH's reply to b and the message to
        // a's subscriber are separate writes, and on a loaded machine b can answer before a has
        // read the message.
        t.is((await b.get('/v1/health', { auth: created.body.key })).status, 401);
        await eventually(async () => (await a.get('/v1/health', { auth: created.body.key })).status === 401, 2000, 'a to refuse the deactivated key');
        return { id: created.body.id as string, key: created.body.key as string };
      }),
    );
    // Each key: two reactivations and one deletion at once, spread over both instances.
    await Promise.all(
      keys.flatMap((k, i) => [
        instances[i % 2]!.patch(`/v1/api_keys/${k.id}`, { auth: account.key, body: { active: true } }).then((r) => t.true([200, 404].includes(r.status), String(r.status))),
        instances[(i + 1) % 2]!.delete(`/v1/api_keys/${k.id}`, { auth: account.key }).then((r) => t.is(r.status, 200)),
        instances[i % 2]!.patch(`/v1/api_keys/${k.id}`, { auth: account.key, body: { active: true } }).then((r) => t.true([200, 404].includes(r.status), String(r.status))),
      ]),
    );
    // Every write has returned. Redis holds the deletion now, or within a moment when a write
    // timed out under load and is being retried (pendingWrites); before the fix it held
    // "active" until KEY_CACHE_REDIS_TTL.
    const inRedis = (k: { key: string }) => a.deps.redis!.get(a.deps.redisKeys.apiKey(hashSecret(k.key))).then((raw) => JSON.parse(raw ?? 'null'));
    const notDeleted = await eventually(
      async () => {
        const states = await Promise.all(keys.map(inRedis));
        const left = keys.flatMap((k, i) => (states[i]?.deleted ? [] : [`${k.id} in Redis: ${JSON.stringify(states[i])}`]));
        return left.length === 0 ? [] : false;
      },
      3000,
      'Redis to hold every deletion',
    ).catch(async () => {
      const states = await Promise.all(keys.map(inRedis));
      return keys.flatMap((k, i) => (states[i]?.deleted ? [] : [`${k.id} in Redis: ${JSON.stringify(states[i])} (pending: ${a.deps.keyCache.pendingWrites}/${b.deps.keyCache.pendingWrites})`]));
    });
    stale.push(...notDeleted);
    // The in-process tiers learn by pub/sub; bounded wait for that, then both instances refuse.
    for (const app of instances) {
      const served = await eventually(
        async () => {
          const statuses = await Promise.all(keys.map((k) => app.get('/v1/health', { auth: k.key }).then((r) => r.status)));
          return statuses.every((s) => s === 401) ? [] : keys.filter((_, i) => statuses[i] !== 401).map((k) => k.id);
        },
        2000,
        'every deleted key refused',
      ).catch(() => keys.map((k) => `${k.id} still served`));
      stale.push(...served);
    }
  }
  t.deepEqual(stale, [], `${stale.length} deleted keys came back`);
});
