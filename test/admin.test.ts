import { spawn } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { eventually } from './helpers/eventually';
import { REDIS_URL } from './helpers/services';
import { register, TestWorld, type TestApp } from './helpers/testApp';

// Raising an organization's budgets is an operator action, `npm run admin`,
// run here as an operator runs it (a child process with the server's environment). Its change
// reaches every instance's caches, as an owner's PATCH does.
const ROOT = join(__dirname, '..');
let world: TestWorld;
let instances: [TestApp, TestApp];
test.before(async () => {
  world = await TestWorld.create();
  instances = (await Promise.all([world.start(), world.start()])) as [TestApp, TestApp];
});
test.after.always(() => world?.close());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// At most two CLI processes at once: each loads the TypeScript sources, on a shared machine.
let running = 0;
const waiting: Array<() => void> = [];
async function admin(args: string[], env?: Record<string, string>): Promise<Run> {
  if (running < 2) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the slot is handed over
  try {
    return await runAdmin(args, env ?? { MYSQL_URL: world.databaseUrl, REDIS_URL, REDIS_PREFIX: world.redisPrefix });
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function runAdmin(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'app', 'cli', 'admin.ts'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  // Bounded: a CLI that hangs fails the test instead of holding it until ava's timeout.
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** The policy every instance applies to the organization's /v1 requests, once all agree on `expected`. */
async function policiesBecome(account: { key: string }, expected: string): Promise<string[]> {
  const read = () => Promise.all(instances.map(async (app) => (await app.get('/v1/health', { auth: account.key })).headers.get('ratelimit-policy') ?? ''));
  return eventually(async () => {
    const policies = await read();
    return policies.every((p) => p === expected) && policies;
  }, 5000, `every instance to apply ${expected}`).catch(read);
}

test('admin org <id> budget raises and restores budgets, prints what changed, and every instance applies it', async (t) => {
  const account = await register(instances[0]);
  // Both instances hold the organization in their caches (in process and in Redis).
  t.deepEqual(await policiesBecome(account, '1000;w=60'), ['1000;w=60', '1000;w=60']);

  const raised = await admin(['org', account.orgId, 'budget', '--points', '50000', '--duration', '60', '--send-points', '5000', '--send-duration', '3600']);
  t.is(raised.code, 0, raised.stderr);
  t.regex(raised.stdout, new RegExp(`^Organization ${account.orgId} "Default Organization":`));
  t.regex(raised.stdout, /requests +1000 per 60 s \(default: RATE_LIMIT_\*\) +-> +50000 per 60 s \(the organization's own\)/);
  t.regex(raised.stdout, /sends +100 per 3600 s \(default: SEND_LIMIT_\*\) +-> +5000 per 3600 s \(the organization's own\)/);
  t.regex(raised.stdout, /invalidation published/);
  t.deepEqual(await policiesBecome(account, '50000;w=60'), ['50000;w=60', '50000;w=60']);
  t.like((await instances[1].get(`/organizations/${account.orgId}`, { auth: account.token })).body, { rateLimitPoints: 50000, rateLimitDuration: 60, sendLimitPoints: 5000, sendLimitDuration: 3600 });

  // The owner may lower an operator's budget, but not raise it further.
  t.is((await instances[0].patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 60000 } })).status, 403);
  t.is((await instances[0].patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 40000 } })).status, 200);
  t.deepEqual(await policiesBecome(account, '40000;w=60'), ['40000;w=60', '40000;w=60']);

  const restored = await admin(['org', account.orgId, 'budget', '--default']);
  t.is(restored.code, 0, restored.stderr);
  t.regex(restored.stdout, /requests +40000 per 60 s \(the organization's own\) +-> +1000 per 60 s \(default: RATE_LIMIT_\*\)/);
  t.regex(restored.stdout, /sends +unchanged: 5000 per 3600 s/);
  t.deepEqual(await policiesBecome(account, '1000;w=60'), ['1000;w=60', '1000;w=60']);
});

test('admin: usage mistakes exit 2, an unknown organization exits 1, and neither changes anything', async (t) => {
  const account = await register(instances[0]);
  const runs = await Promise.all([
    admin(['org', account.orgId, 'budget']),
    admin(['org', account.orgId, 'budget', '--default', '--points', '5']),
    admin(['org', account.orgId, 'budget', '--points', '0']),
    admin(['org', account.orgId, 'budget', '--points', '1.5']),
    admin(['org', account.orgId, 'nonsense', '--points', '5']),
  ]);
  for (const run of runs) {
    t.is(run.code, 2, run.stdout + run.stderr);
    t.regex(run.stderr, /Usage: npm run -s admin/);
  }
  const unknown = await admin(['org', '0123456789abcdef01234567', 'budget', '--points', '5']);
  t.is(unknown.code, 1);
  t.regex(unknown.stdout, /No organization with id/);
  const unreachable = await admin(['org', account.orgId, 'budget', '--points', '5'], { MYSQL_URL: world.databaseUrl, REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: world.redisPrefix });
  t.is(unreachable.code, 3, unreachable.stderr);
  t.regex(unreachable.stderr, /Redis does not answer/);
  t.like((await instances[0].get(`/organizations/${account.orgId}`, { auth: account.token })).body, { rateLimitPoints: null, rateLimitDuration: null });
});
