import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import pino from 'pino';
import { createApp } from '../app/app';
import { API_KEY_PREFIX, generateSecret } from '../app/lib/credentials';
import { eventually, withDeadline } from './helpers/eventually';
import { freePort, startServerProcess, type ServerProcess } from './helpers/process';
import { REDIS_URL } from './helpers/services';
import { TestWorld } from './helpers/testApp';

let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

const start = (env: Record<string, string> = {}) =>
  startServerProcess({ MYSQL_URL: world.databaseUrl, REDIS_URL, REDIS_PREFIX: world.redisPrefix, MIGRATE_ON_START: 'false', ...env });

/** The access line of one request, waiting for it: lines leave the process's buffer within 100 ms. */
async function lineFor(server: ServerProcess, requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    for (const line of server.output().split('\n')) {
      if (!line.includes(requestId) || !line.includes('"msg":"request"')) continue;
      return JSON.parse(line) as Record<string, unknown>;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no access line for ${requestId}:\n${server.output()}`);
}

async function call(server: ServerProcess, method: string, path: string, init: { key?: string; body?: unknown } = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const body = (await res.json()) as any;
  return { status: res.status, body, requestId: res.headers.get('x-request-id')! };
}

test('one line per request: request id, method, route template, status, duration, organization and key; never a secret', async (t) => {
  const server = await start();
  t.teardown(() => server.stop());
  const password = 'access log password';
  const registered = await call(server, 'POST', '/auth/register', {
    body: { email: `log-${Date.now()}@example.test`, password, first_name: 'Log', last_name: 'Test' },
  });
  t.is(registered.status, 201);
  const key: string = registered.body.apiKey.key;

  const ok = await call(server, 'GET', '/v1/health', { key });
  const line = await lineFor(server, ok.requestId);
  t.like(line, {
    level: 30,
    requestId: ok.requestId,
    method: 'GET',
    route: '/v1/health',
    status: 200,
    organizationId: registered.body.organization.id,
    apiKeyId: registered.body.apiKey.id,
    address: '127.0.0.1', // the address the throttles use (TRUST_PROXY=0: the socket's)
    msg: 'request',
  });
  t.is(typeof line.durationMs, 'number');
  // The documented format: these fields, in this order (app/middleware/accessLog.ts).
  t.deepEqual(Object.keys(line), ['level', 'time', 'pid', 'hostname', 'requestId', 'method', 'route', 'status', 'durationMs', 'organizationId', 'apiKeyId', 'address', 'msg']);

  const missing = await call(server, 'GET', `/v1/api_keys/${registered.body.apiKey.id}0`, { key });
  t.like(await lineFor(server, missing.requestId), { route: '/v1/api_keys/:id', status: 404 });

  const unknown = await call(server, 'GET', '/v1/health', { key: generateSecret(API_KEY_PREFIX) });
  const refused = await lineFor(server, unknown.requestId);
  t.like(refused, { route: '/v1/health', status: 401 });
  t.false('organizationId' in refused);

  const nowhere = await call(server, 'GET', `/nowhere/at/all?key=${key}`);
  t.like(await lineFor(server, nowhere.requestId), { route: '/nowhere', status: 404 });

  const token = registered.body.token as string;
  const org = await call(server, 'GET', `/organizations/${registered.body.organization.id}`, { key: token });
  t.like(await lineFor(server, org.requestId), { route: '/organizations/:orgId', status: 200, organizationId: registered.body.organization.id });

  const output = server.output();
  for (const secret of [key, token, password]) t.false(output.includes(secret), 'no credential in the logs');
  t.false(/authorization/i.test(output));
});

test('above info there are no access lines, and the app builds no access line at all', async (t) => {
  const server = await start({ LOG_LEVEL: 'warn' });
  t.teardown(() => server.stop());
  const res = await call(server, 'GET', '/health');
  t.is(res.status, 200);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.false(server.output().includes('"msg":"request"'));

  // The same app in process, its logger writing into an array: every write is counted.
  const app = await world.start({ LOG_LEVEL: 'warn' });
  const writesFor = async (level: string) => {
    const writes: string[] = [];
    const served = createApp({ ...app.deps, logger: pino({ level }, { write: (line: string) => void writes.push(line) }) }).listen(0, '127.0.0.1');
    await new Promise((resolve) => served.once('listening', resolve));
    const { port } = served.address() as AddressInfo;
    t.is((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
    await new Promise((resolve) => served.close(resolve));
    return writes;
  };
  t.deepEqual(await writesFor('warn'), []);
  const atInfo = await writesFor('info');
  t.is(atInfo.length, 1);
  t.regex(atInfo[0]!, /"route":"\/health","status":200,/);
  const names = createApp({ ...app.deps, logger: pino({ level: 'info' }) }).middleware.map((m) => m.name);
  t.false(names.includes('observeRequestMiddleware'), 'route metrics only with METRICS_PORT');
});

test('a graceful stop writes every access line to the log file, down to the last request', async (t) => {
  // The server's stdout is a file, as in a deployment that logs to one; lines are buffered in
  // process (app/infra/logDestination.ts), so this fails if the stop does not flush them.
  const folder = mkdtempSync(join(tmpdir(), 'sendook-access-log-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const logFile = join(folder, 'server.log');
  const port = await freePort();
  const root = join(__dirname, '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'app', 'main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), MYSQL_URL: world.databaseUrl, REDIS_URL, REDIS_PREFIX: world.redisPrefix, MIGRATE_ON_START: 'false' },
    stdio: ['ignore', openSync(logFile, 'w'), 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.teardown(() => void (child.exitCode === null && child.kill('SIGKILL')));
  const url = `http://127.0.0.1:${port}`;
  await eventually(() => fetch(`${url}/health`).then((res) => res.ok, () => false), 30_000, 'the server to answer');

  // A burst far smaller than the buffer, then the stop at once: none of it is written yet.
  const ids = await Promise.all(Array.from({ length: 40 }, () => fetch(`${url}/health`).then((res) => res.headers.get('x-request-id')!)));
  child.kill('SIGTERM');
  t.is(await withDeadline(exited, 30_000, 'the server to stop'), 0);

  const lines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('"msg":"request"'));
  const logged = new Set(lines.map((line) => (JSON.parse(line) as { requestId: string }).requestId));
  t.deepEqual(ids.filter((id) => !logged.has(id)), [], 'every request has its line');
});
