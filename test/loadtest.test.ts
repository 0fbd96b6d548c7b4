import test from 'ava';
import { withDeadline } from './helpers/eventually';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run loadtest` against stand-in servers whose limiter is known to be exact or leaky: the
// exit code and the report must tell them apart. No MySQL or Redis involved.
const LIMIT = 5;
const WINDOW_SECONDS = 10;

interface Bucket {
  windowEnds: number;
  used: number;
}

// Instances given the same bucket share it (one deployment on one Redis); each one given its own
// admits the whole budget by itself, as instances that do not share their limiter would.
function fakeApi(leaky: boolean, bucket: Bucket = { windowEnds: 0, used: 0 }): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    const now = Date.now();
    if (now >= bucket.windowEnds) (bucket.windowEnds = now + WINDOW_SECONDS * 1000), (bucket.used = 0);
    const used = ++bucket.used;
    const windowEnds = bucket.windowEnds;
    const allowed = leaky || used <= LIMIT;
    res.writeHead(allowed ? 200 : 429, {
      'content-type': 'application/json',
      'RateLimit-Limit': String(LIMIT),
      'RateLimit-Remaining': String(Math.max(0, LIMIT - used)),
      'RateLimit-Reset': String(Math.ceil((windowEnds - now) / 1000)),
      'RateLimit-Policy': `${LIMIT};w=${WINDOW_SECONDS}`,
    });
    res.end(JSON.stringify(allowed ? { healthy: true, organizationId: 'org1', apiKeyId: 'k' } : { code: 'rate_limited' }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

function runLoadtest(...urls: string[]): Promise<{ code: number | null; stdout: string }> {
  const keys = join(mkdtempSync(join(tmpdir(), 'loadtest-')), 'keys.txt');
  writeFileSync(keys, 'sndk_first,org1\nsndk_second,org1\n');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'bench', 'loadtest.ts'), ...urls.flatMap((url) => ['--url', url]), '--keys-file', keys, '--duration', '2', '--connections', '2'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
  return withDeadline(exited, 30_000, 'the load test to exit', () => child.kill('SIGKILL'));
}

test('a deployment that keeps every budget: exit 0 and every window within its limit', async (t) => {
  const api = await fakeApi(false);
  const { code, stdout } = await runLoadtest(api.url);
  api.server.close();
  t.is(code, 0, stdout);
  t.regex(stdout, /stayed within its budget in every window/);
  t.regex(stdout, /5 \/ 5/);
});

test('a deployment that over-admits: exit 1 and the over-admission counted', async (t) => {
  const api = await fakeApi(true);
  const { code, stdout } = await runLoadtest(api.url);
  api.server.close();
  t.is(code, 1, stdout);
  const over = /BUDGET EXCEEDED: (\d+) requests/.exec(stdout);
  t.truthy(over, stdout);
  t.true(Number(over![1]) > 0);
});

test('two instances sharing one bucket: exit 0, the load spread over both', async (t) => {
  const bucket = { windowEnds: 0, used: 0 };
  const [a, b] = [await fakeApi(false, bucket), await fakeApi(false, bucket)];
  const { code, stdout } = await runLoadtest(a.url, b.url);
  a.server.close();
  b.server.close();
  t.is(code, 0, stdout);
  t.regex(stdout, /5 \/ 5/);
  const perInstance = /per instance: \S+ (\d+), \S+ (\d+)/.exec(stdout);
  t.truthy(perInstance, stdout);
  t.true(Number(perInstance![1]) > 0 && Number(perInstance![2]) > 0);
});

test('two instances that each keep the budget alone: together they over-admit, and exit 1', async (t) => {
  const [a, b] = [await fakeApi(false), await fakeApi(false)];
  const { code, stdout } = await runLoadtest(a.url, b.url);
  a.server.close();
  b.server.close();
  t.is(code, 1, stdout);
  t.regex(stdout, /10 \/ 5/);
  t.regex(stdout, /BUDGET EXCEEDED: 5 requests/);
});
