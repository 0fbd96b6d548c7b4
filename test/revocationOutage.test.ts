import test from 'ava';
import Redis from 'ioredis';
import { hashSecret } from '../app/lib/credentials';
import { eventually } from './helpers/eventually';
import { RedisServer } from './helpers/redisServer';
import { createKey, register, TestWorld } from './helpers/testApp';

// A revocation made while the Redis circuit breaker is open must still reach
// Redis. Its overwrite once was parked and replayed only on the client's 'ready'
// event, which never fires when the connection did not drop (a stall, not a disconnect): the
// other instances dropped their copy on the invalidation message and re-read the stale "active"
// record from Redis for up to KEY_CACHE_REDIS_TTL. A private redis-server is paused with CLIENT
// PAUSE (never the shared one).
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

test('a key deleted while the Redis circuit is open is refused by the other instance once Redis answers, without a reconnect', async (t) => {
  const redis = await RedisServer.start();
  const env = {
    REDIS_URL: redis.url,
    REDIS_COMMAND_TIMEOUT_MS: '100', // a stall opens the circuit quickly, as in production
    KEY_CACHE_TTL_MS: '300', // the other instance soon asks Redis again, as it would after 10 s
    AUTH_FAIL_POINTS: '100000',
  };
  const [a, b] = await Promise.all([world.start(env), world.start(env)]);
  const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  admin.on('error', () => undefined);
  await admin.connect();
  t.teardown(async () => {
    admin.disconnect();
    await Promise.all([a.close(), b.close()]);
    await redis.stop();
  });

  const account = await register(a);
  const doomed = await createKey(a, account, { name: 'revoked during the stall' });
  const entry = a.deps.redisKeys.apiKey(hashSecret(doomed.key));
  t.is((await b.get('/v1/health', { auth: doomed.key })).status, 200);
  await eventually(async () => (await admin.exists(entry)) === 1, 5000, 'the Redis fill'); // fills are not awaited
  const readEntry = async () => JSON.parse((await admin.get(entry)) ?? 'null') as { deleted?: boolean } | null;
  t.like(await readEntry(), { deleted: false });

  // Redis stalls: every command waits. The connection stays up, so no 'ready' event follows.
  await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
  const degraded = await a.get('/v1/health', { auth: account.key });
  t.is(degraded.status, 200);
  t.is(degraded.headers.get('sendook-degraded'), 'redis', 'the circuit is open on instance a');
  const deleted = await a.delete(`/v1/api_keys/${doomed.id}`, { auth: account.key });
  t.is(deleted.status, 200);
  const parked = a.deps.keyCache.pendingWrites; // the overwrite could not reach Redis and waits
  t.is((await a.get('/v1/health', { auth: doomed.key })).status, 401, 'refused at once on the instance that revoked it');

  await admin.ping(); // answered when the pause ends
  // The other instance refuses it within a bounded time, and it is Redis that says so.
  await t.notThrowsAsync(
    eventually(async () => (await b.get('/v1/health', { auth: doomed.key })).status === 401, 6000, 'instance b to refuse the deleted key'),
  );
  t.like(await readEntry(), { deleted: true });
  b.deps.keyCache.clearLocal();
  const reread = await b.get('/v1/health', { auth: doomed.key });
  t.is(reread.status, 401);
  t.is(reread.body.code, 'invalid_api_key');
  t.true(parked >= 1, 'the write was parked while the circuit was open (the scenario happened)');
  t.is(a.deps.keyCache.pendingWrites, 0, 'and retried until it landed');
});
