import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './helpers/eventually';
import { parsePrometheus } from './helpers/prometheus';
import { MYSQL_SERVER_URL } from './helpers/services';
import { mysqlProxy } from './helpers/tcpProxy';
import { register, TestWorld } from './helpers/testApp';

// Usage through faults (docs/usage.md): requests are served as docs/reliability.md says, counts
// wait in process and arrive when the database is back; and the same in embedded mode.
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

const sum = (points: Array<{ requests: number }>) => points.reduce((n, p) => n + p.requests, 0);

test('MySQL cut: warm requests are still served and counted in process; the counts arrive once it is back', async (t) => {
  const { proxy, url: viaProxy } = await mysqlProxy(world.databaseUrl, MYSQL_SERVER_URL);
  t.teardown(() => proxy.cut());
  const app = await world.start({ MYSQL_URL: viaProxy, MYSQL_CONNECT_TIMEOUT_MS: '1000', MYSQL_ACQUIRE_TIMEOUT_MS: '1500', USAGE_FLUSH_MS: '100' });
  const reader = await world.start();
  const account = await register(app);
  t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  await app.deps.usageFlusher.flush();

  await proxy.cut();
  for (let i = 0; i < 10; i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  await app.deps.usageFlusher.flush();
  t.true(app.deps.usageFlusher.failures > 0, 'the flush failed and kept its counts');

  await proxy.restore();
  const counted = await eventually(async () => {
    const n = sum((await reader.get(`/organizations/${account.orgId}/usage?granularity=minute`, { auth: account.token })).body);
    return n >= 11 && n;
  }, 10_000, 'the pending counts');
  t.is(counted, 11, 'all of them, once');
});

test('embedded (SQLite): usage, clients and logs are written and read the same way', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sendook-usage-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const app = await world.start({ MYSQL_URL: '', SQLITE_FILE: join(dir, 'db.sqlite'), MIGRATE_ON_START: 'true', REDIS_URL: '', USAGE_FLUSH_MS: '100', METRICS_PORT: '0' });
  const account = await register(app);
  for (let i = 0; i < 4; i++) await app.get('/v1/health', { auth: account.key });
  await app.get('/v1/nothing-here', { auth: account.key });
  await app.deps.usageFlusher.flush();
  await app.deps.usageFlusher.flush(); // a second flush adds to the same rows (ON CONFLICT DO UPDATE)
  const usage = await app.get(`/organizations/${account.orgId}/usage?granularity=day`, { auth: account.token });
  t.is(sum(usage.body), 5);
  t.is(usage.body[0].outcomes.client_error, 1);
  const clients = await app.get(`/organizations/${account.orgId}/api_keys/${account.keyId}/clients`, { auth: account.token });
  t.is(clients.body[0].requests, 5);
  const logs = await app.get(`/organizations/${account.orgId}/logs?status=404`, { auth: account.token });
  t.is(logs.body.length, 1);
  t.is(logs.body[0].path, '/v1/nothing-here');
  await app.deps.usagePruner.prune();
  const samples = parsePrometheus(await app.deps.metrics!.registry.metrics());
  const dropped = samples.filter((s) => s.name === 'sendook_usage_dropped_total');
  t.deepEqual(dropped.map((s) => s.labels.kind).sort(), ['clients', 'logs', 'logs_sampled', 'usage']);
  t.true(dropped.every((s) => s.value === 0));
});
