import test from 'ava';
import { Agent, fetch } from 'undici';
import { eventually } from './helpers/eventually';
import { OccurrenceCounter } from './helpers/occurrences';
import { startServerProcess } from './helpers/process';
import { MYSQL_SERVER_URL, REDIS_URL } from './helpers/services';
import { mysqlProxy } from './helpers/tcpProxy';
import { TestWorld } from './helpers/testApp';

let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

test('SIGTERM during load finishes every in-flight request, resets no connection and exits 0', async (t) => {
  // MySQL behind a proxy that can slow its answers, so requests are surely in flight at SIGTERM.
  const { proxy, url: viaProxy } = await mysqlProxy(world.databaseUrl, MYSQL_SERVER_URL);
  t.teardown(() => proxy.cut());
  const server = await startServerProcess({
    MYSQL_URL: viaProxy,
    REDIS_URL,
    REDIS_PREFIX: world.redisPrefix,
    MIGRATE_ON_START: 'false',
    NODE_ENV: 'production',
  });
  t.teardown(() => server.stop('SIGKILL'));

  const dispatcher = new Agent({ connections: 20 });
  const registered = await fetch(`${server.url}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'shutdown@example.test', password: 'long enough pw', first_name: 'S', last_name: 'D' }),
    dispatcher,
  });
  const { apiKey } = (await registered.json()) as { apiKey: { key: string } };
  const list = () => fetch(`${server.url}/v1/api_keys`, { headers: { authorization: `Bearer ${apiKey.key}` }, dispatcher });
  t.is((await list()).status, 200);

  proxy.delayMs = 500;
  // In flight means received: wait until all 20 list queries have reached MySQL (through the
  // proxy) before the signal. Queries, not TCP chunks: one chunk may carry two of them.
  const listQueries = new OccurrenceCounter('from `api_keys`');
  proxy.onClientChunk = (chunk) => listQueries.feed(chunk);
  const inFlight = Array.from({ length: 20 }, () =>
    list().then(
      async (r) => ({ status: r.status, connection: r.headers.get('connection'), at: Date.now(), body: await r.json() }),
      (err: Error) => ({ status: 0, connection: null, at: Date.now(), body: String(err.cause ?? err) }),
    ),
  );
  await eventually(() => listQueries.count >= 20, 20_000, `20 list queries at MySQL (saw ${listQueries.count})`);
  const stoppedAt = Date.now();
  const exited = server.stop('SIGTERM');
  const results = await Promise.all(inFlight);
  t.deepEqual(
    results.map((r) => r.status),
    Array(20).fill(200),
    JSON.stringify(results.filter((r) => r.status !== 200)),
  );
  t.true(results.every((r) => Array.isArray(r.body)));
  // Every response written after the signal tells its keep-alive client not to reuse the
  // connection (a few may have been answered just before it: the wait above counts SQL chunks).
  const afterSignal = results.filter((r) => r.at > stoppedAt);
  t.true(afterSignal.length >= 10, `${afterSignal.length} responses after SIGTERM`);
  t.deepEqual(afterSignal.map((r) => r.connection), Array(afterSignal.length).fill('close'));
  t.is(await exited, 0);
  t.log(`exit ${Date.now() - stoppedAt} ms after SIGTERM`);
  t.regex(server.output(), /shutting down/);
  await dispatcher.close();
});
