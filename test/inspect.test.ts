import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ACCESS_TOKEN_PREFIX, API_KEY_PREFIX, generateSecret, hashSecret } from '../app/lib/credentials';
import { getFrom } from './helpers/fromAddress';
import { withDeadline } from './helpers/eventually';
import { startServerProcess } from './helpers/process';
import { createKey, register, TestWorld, type TestApp } from './helpers/testApp';
import { until } from './helpers/until';

// The CLI runs as a child process, as an operator runs it, with the server's environment.
const ROOT = join(__dirname, '..');
// A long Redis TTL for cached misses, so one is still there when a CLI started on a loaded
// machine reads it. Exact mode: these tests read the points a bucket counts in Redis, which in
// lease mode are reservations that come and go.
const SERVER_ENV = { AUTH_FAIL_POINTS: '2', AUTH_FAIL_DURATION: '60', AUTH_FAIL_BLOCK: '120', NEGATIVE_CACHE_REDIS_TTL: '600', RATE_LIMIT_MODE: 'exact' };

let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start(SERVER_ENV);
});
test.after.always(() => world?.close());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

// At most two CLI processes start at once: each loads the TypeScript sources, and the machine is
// shared with the other test files.
let running = 0;
const waiting: Array<() => void> = [];
async function inspect(args: string[], options: { env?: Record<string, string>; stdin?: string; in?: TestWorld } = {}): Promise<Run> {
  if (running < 2) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
  try {
    return await runInspect(args, options);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function runInspect(args: string[], options: { env?: Record<string, string>; stdin?: string; in?: TestWorld }): Promise<Run> {
  const w = options.in ?? world;
  const env = options.env ?? { MYSQL_URL: w.databaseUrl, ...w.redisEnv, REDIS_PREFIX: w.redisPrefix, ...SERVER_ENV };
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'app', 'cli', 'inspect.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(options.stdin ?? '');
  const closed = new Promise<Run>((resolve) =>
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = args.includes('--json') ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    }),
  );
  return withDeadline(closed, 45_000, `npm run inspect -- ${args.join(' ')}`, () => child.kill('SIGKILL'));
}

test('inspect org reports the exact points consumed, and says throttled once the budget is spent', async (t) => {
  const account = await register(app);
  for (let i = 0; i < 7; i++) t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  await until(async () => (await app.deps.redis!.exists(app.deps.redisKeys.org(account.orgId))) === 1); // cache fills are not awaited

  const before = await inspect(['org', account.orgId, '--json']);
  t.is(before.code, 0, before.stderr);
  const requests = before.json.buckets[0];
  t.like(requests, { name: 'requests', redisKey: `${world.redisPrefix}rl:org:${account.orgId}`, consumed: 7, remaining: 993, spent: false });
  t.like(requests.budget, { points: 1000, duration: 60, pointsFrom: 'default', durationFrom: 'default' });
  t.true(requests.resetSeconds > 0 && requests.resetSeconds <= 60);
  t.false(before.json.throttled);
  t.regex(before.json.summary, /^Not throttled: 7 of 1000 points used, 993 left/);
  t.like(before.json.cache, { present: true });
  t.like(before.json.keys[0], { id: account.keyId, state: 'active', cache: { present: true } });

  // An owner sets a budget of 7 and spends it: the inspector and the server agree that it is spent.
  // A second organization, whose 7 requests come just before this one inspection: the window is
  // 60 s, and on a loaded machine the first inspection alone has taken tens of seconds.
  const spender = await register(app);
  t.is((await app.patch(`/organizations/${spender.orgId}`, { auth: spender.token, body: { rateLimitPoints: 7 } })).status, 200);
  for (let i = 0; i < 7; i++) t.is((await app.get('/v1/health', { auth: spender.key })).status, 200);
  const after = await inspect(['org', spender.orgId]);
  t.is(after.code, 0);
  t.regex(after.stdout, /^Throttled: its request budget \(7 per 60 s\) is spent, 7 points used in this window; \/v1 requests get 429 rate_limited for another (1 min )?\d+ s\.$/m);
  t.regex(after.stdout, /requests +\S+rl:org:\S+ +7 +0 +(1 min )?\d+ s +7 per 60 s \(points: organization, window: default RATE_LIMIT_DURATION\)/);
  t.is((await app.get('/v1/health', { auth: spender.key })).status, 429);
});

test('inspect key with a full secret never prints it, on stdout, stderr or in JSON', async (t) => {
  const account = await register(app);
  t.is((await app.get('/v1/health', { auth: account.key })).status, 200);
  const runs = await Promise.all([inspect(['key', account.key]), inspect(['key', account.key, '--json']), inspect(['key', '-', '--json'], { stdin: `${account.key}\n` })]);
  for (const run of runs) {
    t.is(run.code, 0, run.stderr);
    t.false(run.stdout.includes(account.key) || run.stderr.includes(account.key), 'the secret is never printed');
    t.true(run.stdout.includes(account.keyId));
  }
  const [text, json] = runs;
  t.regex(text!.stdout, new RegExp(`organization +${account.orgId} "Default Organization"`));
  t.regex(text!.stdout, /state +active/);
  t.regex(text!.stdout, /Redis +\S+apikey:[0-9a-f]{64} +active, TTL \d+ min \d+ s/);
  const key = json!.json.keys[0];
  t.like(key, { id: account.keyId, sha256: hashSecret(account.key), state: 'active', organization: { id: account.orgId } });
  t.like(key.cache.redis, { redisKey: `${world.redisPrefix}apikey:${hashSecret(account.key)}`, present: true, state: 'active' });
  t.deepEqual(json!.json.query, { by: 'secret', start: account.key.slice(0, 9), sha256: hashSecret(account.key) });
});

test('inspect key by id and by start; a deactivated key reads inactive in the database and in Redis', async (t) => {
  const account = await register(app);
  const extra = await createKey(app, account, { name: 'to deactivate' });
  t.is((await app.patch(`/v1/api_keys/${extra.id}`, { auth: account.key, body: { active: false } })).status, 200);
  const byId = await inspect(['key', extra.id, '--json']);
  t.is(byId.code, 0);
  t.like(byId.json.keys[0], { id: extra.id, name: 'to deactivate', state: 'inactive', cache: { redis: { present: true, state: 'inactive' } } });
  const byStart = await inspect(['key', extra.key.slice(0, 9), '--json']);
  t.is(byStart.code, 0);
  t.true(byStart.json.keys.some((k: { id: string }) => k.id === extra.id));
});

test('inspect key shows scopes, inboxIds and the roll links of both keys', async (t) => {
  const account = await register(app);
  const inbox = (await app.get('/v1/inboxes', { auth: account.key })).body[0].id as string;
  const scoped = await createKey(app, account, { name: 'scoped', scopes: ['inboxes:read', 'messages:send'], inboxIds: [inbox] });
  const rolled = await app.post(`/v1/api_keys/${scoped.id}/roll`, { auth: account.key, body: { graceSeconds: 60 } });
  t.is(rolled.status, 201);
  const [old, successor] = await Promise.all([inspect(['key', scoped.id, '--json']), inspect(['key', rolled.body.id])]);
  t.like(old.json.keys[0], { scopes: ['inboxes:read', 'messages:send'], inboxIds: [inbox], rolledTo: rolled.body.id, rolledFrom: null });
  t.regex(successor.stdout, /scopes +inboxes:read messages:send/);
  t.regex(successor.stdout, new RegExp(`inboxes +${inbox}`));
  t.regex(successor.stdout, new RegExp(`rolled from +${scoped.id}`));
});

test('what does not exist exits 1; usage mistakes exit 2; neither repeats a secret', async (t) => {
  // An unknown key that was tried: not found, and Redis holds its cached miss.
  const unknown = generateSecret(API_KEY_PREFIX);
  t.is((await app.get('/v1/health', { auth: unknown })).status, 401);
  await until(async () => (await app.deps.redis!.get(app.deps.redisKeys.apiKey(hashSecret(unknown)))) === 'null'); // the fill is not awaited
  const malformed = `${unknown.slice(0, -1)}${unknown.endsWith('0') ? '1' : '0'}`;
  const token = generateSecret(ACCESS_TOKEN_PREFIX);
  const usage = [
    [['key', malformed], /not a well-formed API key/],
    [['key', token], /access token/],
    [['key'], /unknown or incomplete command/],
    [['nonsense'], /unknown or incomplete command/],
  ] as const;
  // Independent runs, in parallel: each is a process start.
  const [missingOrg, notAnId, missingKeyId, missingKey, ...mistakes] = await Promise.all([
    inspect(['org', '0123456789abcdef01234567']),
    inspect(['org', 'not-an-id', '--json']),
    inspect(['key', '0123456789abcdef01234567']),
    inspect(['key', unknown]),
    ...usage.map(([args]) => inspect([...args])),
  ]);
  t.is(missingOrg!.code, 1);
  t.regex(missingOrg!.stdout, /No organization with id/);
  t.is(notAnId!.json.error, 'not_found');
  t.is(missingKeyId!.code, 1);
  t.is(missingKey!.code, 1);
  t.regex(missingKey!.stdout, /No API key with the given secret \(start sndk_\w{4}, not printed\)\. Redis holds it as a cached miss/);
  t.false(missingKey!.stdout.includes(unknown));

  mistakes.forEach((run, i) => {
    const [args, pattern] = usage[i]!;
    t.is(run.code, 2, args.join(' '));
    t.regex(run.stderr, pattern);
    t.false(run.stdout.includes(malformed) || run.stderr.includes(malformed) || run.stderr.includes(token));
  });
});

test('inspect throttled lists the spent organization and the locked-out address with their time to reset', async (t) => {
  const account = await register(app);
  t.is((await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 2, rateLimitDuration: 300 } })).status, 200);
  for (let i = 0; i < 3; i++) await app.get('/v1/health', { auth: account.key });
  const attacker = '127.0.0.9';
  for (let i = 0; i < 3; i++) await getFrom(attacker, `${app.url}/v1/health`, { authorization: `Bearer ${generateSecret(API_KEY_PREFIX)}` });

  const run = await inspect(['throttled', '--json']);
  t.is(run.code, 0, run.stderr);
  const org = run.json.throttled.find((x: { subject: string }) => x.subject === account.orgId);
  t.like(org, { kind: 'requests', organizationName: 'Default Organization', consumed: 3, points: 2, duration: 300 });
  t.true(org.resetSeconds > 0 && org.resetSeconds <= 300);
  const address = run.json.throttled.find((x: { subject: string }) => x.subject === attacker);
  t.like(address, { kind: 'failed auth', consumed: 3, points: 2 });
  t.true(address.resetSeconds > 60, 'blocked for AUTH_FAIL_BLOCK, longer than the window');

  const text = await inspect(['throttled']);
  t.regex(text.stdout, new RegExp(`requests +${account.orgId} "Default Organization" +3 +2 per 300 s +\\d+ min \\d+ s`));
  t.regex(text.stdout, /failed auth +127\.0\.0\.9 +3 +2 per 60 s/);
});

test('inspect redis counts every key family with SCAN, and the instances on the invalidation channel', async (t) => {
  // A world of its own, so the counts are exactly this traffic.
  const own = await TestWorld.create();
  t.teardown(() => own.close());
  const server = await own.start(SERVER_ENV);
  const account = await register(server);
  t.is((await server.get('/v1/health', { auth: account.key })).status, 200);
  const unknown = generateSecret(API_KEY_PREFIX);
  t.is((await server.get('/v1/health', { auth: unknown })).status, 401);
  // Cache fills are not awaited by the request: wait until both are in Redis.
  const redis = server.deps.redis!;
  // One EXISTS per key: on a cluster the two keys live in different slots.
  const cached = [server.deps.redisKeys.org(account.orgId), server.deps.redisKeys.apiKey(hashSecret(unknown))];
  await until(async () => (await Promise.all(cached.map((k) => redis.exists(k)))).every((n) => n === 1));

  const run = await inspect(['redis', '--json'], { in: own });
  t.is(run.code, 0, run.stderr);
  const families = Object.fromEntries(run.json.families.map((f: { name: string }) => [f.name, f]));
  t.like(families.apikey, { keys: 2, misses: 1, pattern: `${own.redisPrefix}apikey:<sha256>` });
  t.like(families.org, { keys: 1 });
  t.like(families['rl:org'], { keys: 1, withoutTtl: 0 });
  t.like(families['rl:authfail'], { keys: 1 });
  t.like(families['rl:send'], { keys: 0 });
  t.like(families.other, { keys: 0 });
  t.true(families.apikey.memoryBytes > 0);
  t.true(families['rl:org'].ttlMaxSeconds <= 60 && families.apikey.ttlMaxSeconds <= 600);
  t.is(run.json.invalidateChannel.subscribers, 1);

  const text = await inspect(['redis'], { in: own });
  t.regex(text.stdout, /apikey +\S+apikey:<sha256> +2 \(1 misses\)/);
  t.regex(text.stdout, /1 subscriber \(one per running instance\)/);
});

test('embedded mode: the database side is shown and the output says the rest lives in the server process', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sendook-inspect-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sqlite = join(dir, 'sendook.sqlite');
  const server = await startServerProcess({ SQLITE_FILE: sqlite, LOG_LEVEL: 'warn' });
  let account: { orgId: string; key: string };
  try {
    const res = await fetch(`${server.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'embedded@example.test', password: 'embedded password', first_name: 'E', last_name: 'M' }),
    });
    const body = (await res.json()) as { organization: { id: string }; apiKey: { key: string } };
    account = { orgId: body.organization.id, key: body.apiKey.key };
  } finally {
    await server.stop();
  }
  const env = { SQLITE_FILE: sqlite };
  const org = await inspect(['org', account.orgId, '--json'], { env });
  t.is(org.code, 0, org.stderr);
  t.regex(org.json.note, /REDIS_URL is not set: this is embedded mode/);
  t.is(org.json.buckets[0].consumed, undefined);
  t.is(org.json.keys.length, 1);
  const key = await inspect(['key', account.key], { env });
  t.is(key.code, 0);
  t.regex(key.stdout, /in-process.*not visible/);
  t.false(key.stdout.includes(account.key));
  const redis = await inspect(['redis'], { env });
  t.is(redis.code, 1);
  t.regex(redis.stdout, /REDIS_URL is not set/);
});

test('inspect key and org show recent usage by outcome, and the key its clients', async (t) => {
  const account = await register(app);
  const extra = await createKey(app, account, { name: 'usage' });
  for (let i = 0; i < 3; i++) await app.get('/v1/health', { auth: extra.key, headers: { 'user-agent': 'inspect-usage/1.0' } });
  await app.get('/v1/api_keys/0123456789abcdef01234567', { auth: extra.key, headers: { 'user-agent': 'inspect-usage/1.0' } });
  await app.deps.usageFlusher.flush();
  const key = await inspect(['key', extra.id, '--json']);
  t.is(key.code, 0);
  t.like(key.json.keys[0].usage, { lastHour: { requests: 4, accepted: 3, client_error: 1 }, last24Hours: { requests: 4 } });
  t.like(key.json.keys[0].clients[0], { address: '127.0.0.1', userAgent: 'inspect-usage/1.0', requests: 4 });
  const text = await inspect(['key', extra.id]);
  t.regex(text.stdout, /last hour\s+4\s+3\s+0\s+0\s+1\s+0/);
  t.regex(text.stdout, /inspect-usage\/1\.0/);
  const org = await inspect(['org', account.orgId, '--json']);
  t.like(org.json.usage, { lastHour: { requests: 5, accepted: 4, client_error: 1 } }, 'createKey was a /v1 request of the default key');
});
