import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { withDeadline } from './helpers/eventually';
import { MYSQL_SERVER_URL, REDIS_URL } from './helpers/services';

// `npm run bench` for one second per scenario (in the bench's run order), on a few scenarios so that it stays around a
// minute: the output's shape, the exact counts that do not depend on the machine's speed, and
// that the bench removed its own database and Redis prefix. Timings are not asserted.
const SCENARIOS = ['default', 'lease-floor', 'floor', 'lease-vs-exact', 'warm-key', 'over-budget', 'malformed-key'];

test('npm run bench: results as JSON and Markdown, the ratio as the last line, nothing left behind', async (t) => {
  t.timeout(480_000); // the build alone took minutes on the shared machine
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'bench', 'run.ts')], {
    env: {
      ...process.env,
      BENCH_DURATION: '1',
      BENCH_SCENARIOS: SCENARIOS.join(','),
      // Provisioning 1,000 keys takes longer than the measurement; the shape does not need them.
      BENCH_KEYS: '20',
      BENCH_ORGS: '4',
      BENCH_OUTPUT_DIR: out,
      BENCH_MYSQL_URL: MYSQL_SERVER_URL,
      BENCH_REDIS_URL: REDIS_URL,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await withDeadline(new Promise<number | null>((resolve) => child.on('exit', resolve)), 420_000, 'npm run bench to exit', () => child.kill('SIGKILL'));
  t.is(code, 0, stderr);

  const lines = stdout.trim().split('\n');
  t.regex(lines[lines.length - 1]!, /^ratio pipeline\/bare-koa: \d+(\.\d+)?$/);

  const results = JSON.parse(readFileSync(join(out, 'bench-latest.json'), 'utf8'));
  t.deepEqual(results.scenarios.map((s: { name: string }) => s.name), SCENARIOS);
  for (const s of results.scenarios) {
    t.true(s.api.rps > 0 && s.bare.rps > 0 && s.ratioToBare > 0, s.name);
    t.true(Number.isFinite(s.api.latencyMs.p50) && Number.isFinite(s.api.latencyMs.p99), s.name);
    t.is(s.api.errors, 0, s.name);
  }
  const [deployed, leaseFloor, floor, leaseVsExact, warm, overBudget, malformed] = results.scenarios;
  // Against another server than bare Koa: alternating slices with exact mode.
  t.deepEqual([deployed.reference, warm.reference, leaseVsExact.reference], ['bare-koa', 'bare-koa', 'main']);
  // The headline is the deployed default: lease mode, no MySQL, a Redis command per reservation only.
  t.is(results.headlineRatio, deployed.ratioToBare);
  t.deepEqual(Object.keys(deployed.api.statuses), ['200']);
  t.is(deployed.perRequest.mysqlQueries, 0);
  t.true(deployed.perRequest.redisCommands < 0.5);
  t.true(results.targets.some((x: { target: string }) => /at least 1\.10 × exact mode/.test(x.target)));
  // The lease floor makes no Redis command at all.
  t.deepEqual(Object.keys(leaseFloor.api.statuses), ['200']);
  t.deepEqual([leaseFloor.perRequest.mysqlQueries, leaseFloor.perRequest.redisCommands], [0, 0]);
  t.deepEqual(Object.keys(leaseVsExact.api.statuses), ['200']);
  t.deepEqual(Object.keys(warm.api.statuses), ['200']);
  t.deepEqual(warm.ratioQuartiles.length, 2);
  t.deepEqual(Object.keys(malformed.api.statuses), ['401']);
  // Over budget is 429, except what the in-process fallback admits when Redis misses its 100 ms.
  t.true(overBudget.api.statuses['429'] > 0);
  t.true((overBudget.api.statuses['200'] ?? 0) <= overBudget.faults.degradedAdmits);
  t.is(warm.perRequest.mysqlQueries, 0);
  t.true(warm.perRequest.redisCommands >= 1 && warm.perRequest.redisCommands <= 1.01);
  t.deepEqual([malformed.perRequest.mysqlQueries, malformed.perRequest.redisCommands], [0, 0]);
  // The floor is its own server: one limiter command per request, its ratio reported beside the API's.
  t.deepEqual(Object.keys(floor.api.statuses), ['200']);
  t.deepEqual([floor.perRequest.mysqlQueries, floor.perRequest.redisCommands], [0, 1]);
  t.deepEqual(results.floor, { ratioToBare: floor.ratioToBare, apiClientRatioToBare: null, warmKeyShare: Math.round((warm.ratioToBare / floor.ratioToBare) * 100) / 100, headToHead: null });
  t.regex(readFileSync(join(out, 'bench-latest.md'), 'utf8'), /^Floor: the unavoidable work alone .* reached [\d.]+ of bare Koa; the exact-mode warm key reached [\d.]+ of the floor\.$/m);
  t.is(results.defaultMode, 'lease');
  t.regex(results.settings.generator, /wrk|autocannon/);
  t.true(['wrk', 'autocannon'].includes(warm.generator));
  t.true(warm.generatorCpu.api > 0 && warm.generatorCpu.bare > 0);
  t.true(results.targets.length > 0);
  t.regex(readFileSync(join(out, 'bench-latest.md'), 'utf8'), /\| scenario \| req\/s \| × bare Koa/);

  // Its own database and prefix, removed afterwards.
  const { database, redisPrefix } = results.settings;
  t.regex(database, /^sendook_bench_[0-9a-f]+$/);
  const mysql = await createConnection({ uri: MYSQL_SERVER_URL });
  const [rows] = await mysql.query('SHOW DATABASES LIKE ?', [database]);
  await mysql.end();
  t.is((rows as unknown[]).length, 0);
  const redis = new Redis(REDIS_URL);
  const left: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
    left.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  t.deepEqual(left, []);
  rmSync(out, { recursive: true, force: true });
});
