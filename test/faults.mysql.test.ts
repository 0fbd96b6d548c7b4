import test from 'ava';
import { API_KEY_PREFIX, generateSecret, hashSecret } from '../app/lib/credentials';
import { createKey, register, TestWorld } from './helpers/testApp';
import { mysqlProxy } from './helpers/tcpProxy';
import { MYSQL_SERVER_URL } from './helpers/services';

// MySQL down (docs/reliability.md#mysql-down): the instances reach MySQL through a proxy the test
// cuts.
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

test('MySQL cut: cached keys work, uncached keys and writes get 503 (never 401), recovery is automatic', async (t) => {
  const { proxy, url: viaProxy } = await mysqlProxy(world.databaseUrl, MYSQL_SERVER_URL);
  t.teardown(() => proxy.cut());
  const env = { MYSQL_URL: viaProxy, MYSQL_CONNECT_TIMEOUT_MS: '2000', MYSQL_ACQUIRE_TIMEOUT_MS: '3000' };
  const app = await world.start(env);
  const account = await register(app);
  const uncached = await createKey(app, account);
  t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  // `uncached` is in no tier; a second instance knows `account.key` from Redis only.
  await app.deps.redis!.del(app.deps.redisKeys.apiKey(hashSecret(uncached.key)));
  app.deps.keyCache.clearLocal();
  const second = await world.start(env);

  await proxy.cut();
  const warm = await app.get('/v1/health', { auth: account.key });
  t.is(warm.status, 200, 'key in Redis, organization in Redis');
  t.is((await second.get('/v1/health', { auth: account.key })).status, 200, 'fresh instance, key from Redis');

  const cold = await app.get('/v1/health', { auth: uncached.key });
  t.is(cold.status, 503);
  t.is(cold.body.code, 'service_unavailable');
  const unknown = await app.get('/v1/health', { auth: generateSecret(API_KEY_PREFIX) });
  t.is(unknown.status, 503, 'an unknown key cannot be told from an uncached one while MySQL is down');

  const write = await app.post('/v1/api_keys', { auth: account.key, body: { name: 'during outage' } });
  t.is(write.status, 503);
  t.is(write.body.code, 'service_unavailable');
  t.false(JSON.stringify(write.body).includes('ECONNREFUSED'), 'no internals in the response');
  const health = await app.get('/health');
  t.is(health.status, 503);
  t.deepEqual(health.body, { healthy: false, mysql: 'down', redis: 'ok' });

  await proxy.restore();
  t.is((await app.get('/v1/health', { auth: uncached.key })).status, 200);
  t.is((await app.post('/v1/api_keys', { auth: account.key, body: { name: 'after outage' } })).status, 201);
  t.is((await app.get('/health')).status, 200);
  const names = (await app.get('/v1/api_keys', { auth: account.key })).body.map((k: { name: string }) => k.name);
  t.false(names.includes('during outage'), 'the refused write stored nothing');
});
