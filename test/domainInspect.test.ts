import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { DnsServer } from './helpers/dnsServer';
import { freshDomainName, publishRecords, TEST_MAIL_HOSTNAME } from './helpers/domains';
import { withDeadline } from './helpers/eventually';
import { startServerProcess } from './helpers/process';
import { register, TestWorld, type TestApp } from './helpers/testApp';

// `npm run inspect -- domain <name>` as an operator runs it (a child process with the server's
// environment), and embedded mode's own SECRETS_KEY file. One test at a time, two CLI processes
// at once at most: each loads the TypeScript sources on a shared machine.
const ROOT = join(__dirname, '..');
const SECRETS_KEY = randomBytes(32).toString('hex');
let world: TestWorld;
let app: TestApp;
let dns: DnsServer;
test.before(async () => {
  world = await TestWorld.create();
  dns = await DnsServer.start();
  app = await world.start({ DNS_SERVERS: dns.address, MAIL_HOSTNAME: TEST_MAIL_HOSTNAME, SECRETS_KEY });
});
test.after.always(async () => {
  await world?.close();
  await dns?.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function inspect(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'app', 'cli', 'inspect.ts'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const closed = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return withDeadline(closed, 45_000, `inspect ${args.join(' ')}`, () => child.kill('SIGKILL'));
}

const serverEnv = (extra: Record<string, string> = {}) => ({ MYSQL_URL: world.databaseUrl, ...world.redisEnv, REDIS_PREFIX: world.redisPrefix, MAIL_HOSTNAME: TEST_MAIL_HOSTNAME, SECRETS_KEY, ...extra });

test.serial('inspect domain: the owner, every claimant, records, last check; a key that does not decrypt is called out', async (t) => {
  const owner = await register(app);
  const claimant = await register(app);
  const name = freshDomainName('inspect');
  const created = await app.post('/v1/domains', { auth: owner.key, body: { name } });
  await app.post('/v1/domains', { auth: claimant.key, body: { name } });
  publishRecords(dns, created.body.records, (r) => r.name.startsWith('_dmarc.'));
  t.true((await app.post(`/v1/domains/${name}/verify`, { auth: owner.key })).body.verified);

  const [json, text] = await Promise.all([inspect(['domain', name.toUpperCase(), '--json'], serverEnv()), inspect(['domain', name], serverEnv())]);
  const [wrongKey, missing] = await Promise.all([
    inspect(['domain', name, '--json'], serverEnv({ SECRETS_KEY: randomBytes(32).toString('hex') })),
    inspect(['domain', freshDomainName('absent')], serverEnv()),
  ]);
  t.is(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  t.is(report.name, name);
  t.is(report.ownerOrganizationId, owner.orgId);
  t.deepEqual(report.domains.map((d: any) => d.organizationId).sort(), [owner.orgId, claimant.orgId].sort());
  const mine = report.domains.find((d: any) => d.organizationId === owner.orgId);
  t.like(mine, { id: created.body.id, verified: true, dkimKey: 'readable' });
  t.truthy(Date.parse(mine.lastCheckedAt));
  t.deepEqual(Object.fromEntries(mine.records.map((r: any) => [r.kind, r.status])), { ownership: 'verified', mx: 'verified', spf: 'verified', dkim: 'verified', dmarc: 'failed' });
  t.false(json.stdout.includes('PRIVATE'));

  t.is(text.code, 0);
  t.regex(text.stdout, new RegExp(`owned \\(verified\\) by organization ${owner.orgId}`));
  t.regex(text.stdout, /dmarc \(recommended\)\s+TXT\s+_dmarc\.\S+\s+failed/);

  t.is(wrongKey.code, 0, wrongKey.stderr);
  t.true(JSON.parse(wrongKey.stdout).domains.every((d: any) => d.dkimKey === 'unreadable'));
  t.is(missing.code, 1);
  t.regex(missing.stdout, /No organization has added the domain/);
});

test.serial('embedded mode makes its SECRETS_KEY beside the SQLite file on first start (0600, logged once) and keeps it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sendook-domains-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const env = { SQLITE_FILE: join(dir, 'sendook.sqlite'), DNS_SERVERS: dns.address, MAIL_HOSTNAME: TEST_MAIL_HOSTNAME };
  const first = await startServerProcess(env);
  t.teardown(() => first.stop('SIGKILL'));
  const keyFile = join(dir, 'secrets.key');
  t.is(statSync(keyFile).mode & 0o777, 0o600);
  const key = readFileSync(keyFile, 'utf8').trim();
  t.regex(key, /^[0-9a-f]{64}$/);
  t.is(first.output().split('\n').filter((l) => l.includes('created a SECRETS_KEY')).length, 1);
  t.false(first.output().includes(key), 'the key itself is never logged');

  const res = await fetch(`${first.url}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'domains@example.test', password: 'long enough pw', first_name: 'D', last_name: 'E' }),
  });
  const { apiKey } = (await res.json()) as { apiKey: { key: string } };
  const name = freshDomainName('embedded');
  const created = await fetch(`${first.url}/v1/domains`, { method: 'POST', headers: { authorization: `Bearer ${apiKey.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  t.is(created.status, 201);
  t.is(await first.stop('SIGTERM'), 0);

  const second = await startServerProcess(env);
  t.teardown(() => second.stop('SIGKILL'));
  t.false(second.output().includes('created a SECRETS_KEY'), 'the second start reads the same key');
  t.is(readFileSync(keyFile, 'utf8').trim(), key);
  const health = await fetch(`${second.url}/health`).then((r) => r.json());
  t.deepEqual(health, { healthy: true, mysql: 'embedded', redis: 'embedded' }, 'every key readable: nothing to report');
  await second.stop('SIGTERM');
  const report = await inspect(['domain', name, '--json'], env);
  t.is(report.code, 0, report.stderr);
  t.is(JSON.parse(report.stdout).domains[0].dkimKey, 'readable');
});
