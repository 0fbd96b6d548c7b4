import test from 'ava';
import { DEFAULT_USAGE_LIMITS, UsageRecorder, type UsageSample } from '../app/services/usageRecorder';
import { eventually } from './helpers/eventually';
import { createKey, register, TestWorld } from './helpers/testApp';

// GET /v1/logs and the bound on what it keeps (docs/usage.md).
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

test('request-log lines: route template, path without query string, no secret; filters and paging', async (t) => {
  const app = await world.start({ USAGE_FLUSH_MS: '200' });
  const account = await register(app);
  const key = await createKey(app, account);
  await app.get(`/v1/api_keys/${account.keyId}?secret=${account.key}`, { auth: key.key, headers: { 'user-agent': 'logs-test/1.0' } });
  await app.get('/v1/api_keys/0123456789abcdef01234567', { auth: key.key });
  for (let i = 0; i < 3; i++) await app.get('/v1/health', { auth: key.key });
  const lines = await eventually(async () => {
    const res = await app.get(`/organizations/${account.orgId}/logs?apiKeyId=${key.id}`, { auth: account.token });
    return res.body.length === 5 && res.body;
  }, 5000, 'five lines');
  t.is(lines[4].route, '/v1/api_keys/:id');
  t.is(lines[4].path, `/v1/api_keys/${account.keyId}`, 'no query string');
  t.like(lines[4], { method: 'GET', status: 200, apiKeyId: key.id, address: '127.0.0.1', userAgent: 'logs-test/1.0' });
  t.regex(lines[4].requestId, /.+/);
  t.true(lines[4].durationMs >= 0);
  t.false(JSON.stringify(lines).includes(account.key) || JSON.stringify(lines).includes(key.key), 'never a secret');
  t.true(lines.every((l: { id: string }, i: number) => i === 0 || l.id < lines[i - 1].id), 'newest first');

  const notFound = await app.get(`/v1/logs?status=404&apiKeyId=${key.id}`, { auth: account.key });
  t.deepEqual(notFound.body.map((l: { status: number }) => l.status), [404]);
  const clientErrors = await app.get(`/v1/logs?status=4xx&apiKeyId=${key.id}`, { auth: account.key });
  t.is(clientErrors.body.length, 1);
  const health = await app.get(`/v1/logs?route=/v1/health&apiKeyId=${key.id}`, { auth: account.key });
  t.is(health.body.length, 3);
  const first = await app.get(`/v1/logs?apiKeyId=${key.id}&limit=2`, { auth: account.key });
  const next = await app.get(`/v1/logs?apiKeyId=${key.id}&limit=2&before=${first.body[1].id}`, { auth: account.key });
  t.deepEqual([...first.body, ...next.body].map((l: { id: string }) => l.id), lines.slice(0, 4).map((l: { id: string }) => l.id));
});

test('bound: at most REQUEST_LOG_MAX_ROWS_PER_ORG lines per organization are kept, the newest', async (t) => {
  const app = await world.start({ USAGE_FLUSH_MS: '200', REQUEST_LOG_MAX_ROWS_PER_ORG: '10' });
  const account = await register(app);
  for (let i = 0; i < 25; i++) await app.get('/v1/health', { auth: account.key });
  await app.deps.usageFlusher.flush();
  const before = (await app.get(`/organizations/${account.orgId}/logs?limit=100`, { auth: account.token })).body;
  t.is(before.length, 25);
  await app.deps.usagePruner.prune();
  const after = (await app.get(`/organizations/${account.orgId}/logs?limit=100`, { auth: account.token })).body;
  t.is(after.length, 10);
  t.deepEqual(after.map((l: { id: string }) => l.id), before.slice(0, 10).map((l: { id: string }) => l.id));
});

// Serial (ava runs these first, alone): pruning a day ahead deletes every organization's lines.
test.serial('bound: lines older than REQUEST_LOG_RETENTION_DAYS are deleted', async (t) => {
  const app = await world.start({ USAGE_FLUSH_MS: '200', REQUEST_LOG_RETENTION_DAYS: '1' });
  const account = await register(app);
  await app.get('/v1/health', { auth: account.key });
  await app.deps.usageFlusher.flush();
  t.is((await app.get(`/organizations/${account.orgId}/logs`, { auth: account.token })).body.length, 1);
  await app.deps.usagePruner.prune(Date.now() + 86_400_000 + 1000);
  t.is((await app.get(`/organizations/${account.orgId}/logs`, { auth: account.token })).body.length, 0);
});

function sample(status: number, organizationId = 'org'): UsageSample {
  const at = Date.now();
  return { organizationId, apiKeyId: 'key', refused: null, status, at, method: 'GET', route: '/v1/health', path: '/v1/health', address: '127.0.0.1', userAgent: '', durationMs: 1, requestId: 'r', rateLimited: null };
}

test('sampling: per organization and flush, 2xx lines beyond the cap are left out, other statuses kept to their higher cap; counts are never sampled', (t) => {
  const recorder = new UsageRecorder({ ...DEFAULT_USAGE_LIMITS, logsPerOrgPerFlush: { ok: 5, other: 50 } });
  for (let i = 0; i < 40; i++) recorder.record(sample(200));
  for (let i = 0; i < 20; i++) recorder.record(sample(404));
  for (let i = 0; i < 3; i++) recorder.record({ ...sample(200, 'quiet-org'), apiKeyId: 'quiet-key' });
  const batch = recorder.take();
  t.is(batch.logs.filter((l) => l.organizationId === 'org' && l.status === 200).length, 5);
  t.is(batch.logs.filter((l) => l.status === 404).length, 20);
  t.is(batch.logs.filter((l) => l.organizationId === 'quiet-org').length, 3);
  t.is(recorder.drops.logsSampled, 35);
  const [cell] = [...batch.cells.values()].filter((c) => c.organizationId === 'org');
  t.is(cell!.outcomes.accepted + cell!.outcomes.client_error, 60);
  // The next flush starts a fresh allowance.
  recorder.record(sample(200));
  t.is(recorder.take().logs.length, 1);
});

test('bounded memory while the database is down: log lines are dropped first, counts into held minutes never', (t) => {
  const recorder = new UsageRecorder({ maxCells: 2, maxClients: 2, maxLogLines: 10, logsPerOrgPerFlush: { ok: 1000, other: 1000 } });
  for (let i = 0; i < 30; i++) recorder.record(sample(200));
  const failed = recorder.take();
  t.is(failed.logs.length, 10);
  t.is(recorder.drops.logs, 20);
  recorder.restore(failed);
  for (let i = 0; i < 5; i++) recorder.record({ ...sample(200), apiKeyId: `other-${i}` });
  const held = recorder.take();
  t.is(held.cells.size, 2, 'the held minute and one more');
  t.is([...held.cells.values()].find((c) => c.apiKeyId === 'key')!.outcomes.accepted, 30, 'no count lost for a held minute');
  t.is(recorder.drops.usage, 4);
  t.is(held.logs.length, 10);
});
