import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { DomainKeyUnreadableError } from '../app/errors';
import { DnsServer } from './helpers/dnsServer';
import { freshDomainName, publishRecords, recordKind, statusesOf, TEST_MAIL_HOSTNAME, type RecordJson } from './helpers/domains';
import { register, TestWorld, type Account, type TestApp } from './helpers/testApp';
import { WebhookReceiver } from './helpers/webhookReceiver';

// Verification against a real DNS server on loopback (DNS_SERVERS), re-checks, the domain.*
// events at a real webhook receiver, and what a lost SECRETS_KEY does.
const SECRETS_KEY = randomBytes(32).toString('hex');
let world: TestWorld;
let app: TestApp;
let dns: DnsServer;
let receiver: WebhookReceiver;
const env = () => ({ DNS_SERVERS: dns.address, MAIL_HOSTNAME: TEST_MAIL_HOSTNAME, SECRETS_KEY, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '60' });
test.before(async () => {
  world = await TestWorld.create();
  dns = await DnsServer.start();
  receiver = await WebhookReceiver.start();
  app = await world.start(env());
});
test.after.always(async () => {
  await world?.close();
  await dns?.close();
  await receiver?.close();
});

async function addDomain(account: Account, name = freshDomainName(), on: TestApp = app): Promise<{ id: string; name: string; records: RecordJson[] }> {
  const res = await on.post('/v1/domains', { auth: account.key, body: { name } });
  if (res.status !== 201) throw new Error(`create domain failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const verify = (account: Account, name: string, on: TestApp = app) => on.post(`/v1/domains/${name}/verify`, { auth: account.key });

let paths = 0;
async function hook(account: Account, events: string[]): Promise<string> {
  const path = `/domains-${++paths}`;
  const res = await app.post('/v1/webhooks', { auth: account.key, body: { url: receiver.url(path), events } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return path;
}

test('nothing published: every record failed and not verified; published: all verified', async (t) => {
  const account = await register(app);
  const domain = await addDomain(account);
  const before = await verify(account, domain.name);
  t.is(before.status, 200);
  t.false(before.body.verified);
  t.deepEqual(statusesOf(before.body.records), { ownership: 'failed', mx: 'failed', spf: 'failed', dkim: 'failed', dmarc: 'failed' });
  t.truthy(Date.parse(before.body.lastCheckedAt));
  publishRecords(dns, domain.records);
  const after = await verify(account, domain.name);
  t.true(after.body.verified);
  t.deepEqual(statusesOf(after.body.records), { ownership: 'verified', mx: 'verified', spf: 'verified', dkim: 'verified', dmarc: 'verified' });
  t.true(await app.deps.domains.isVerifiedFor(account.orgId, domain.name));
  t.false(await app.deps.domains.isVerifiedFor(account.orgId, `sub.${domain.name}`));
});

for (const missing of ['ownership', 'mx', 'spf', 'dkim'] as const) {
  test(`a missing ${missing} record fails alone and leaves the domain unverified`, async (t) => {
    const account = await register(app);
    const domain = await addDomain(account);
    publishRecords(dns, domain.records, (r) => recordKind(r) === missing);
    const res = await verify(account, domain.name);
    t.false(res.body.verified);
    const expected = { ownership: 'verified', mx: 'verified', spf: 'verified', dkim: 'verified', dmarc: 'verified', [missing]: 'failed' };
    t.deepEqual(statusesOf(res.body.records), expected);
    t.false(await app.deps.domains.isVerifiedFor(account.orgId, domain.name));
    t.is(await app.deps.domains.signingKeyFor(account.orgId, domain.name), null);
  });
}

test('DMARC is recommended, not required: without it the domain verifies with dmarc failed', async (t) => {
  const account = await register(app);
  const domain = await addDomain(account);
  publishRecords(dns, domain.records, (r) => recordKind(r) === 'dmarc');
  const res = await verify(account, domain.name);
  t.true(res.body.verified);
  t.is(statusesOf(res.body.records).dmarc, 'failed');
});

test('records must say exactly what was asked: a wrong token, MX, key, or two SPF records fail', async (t) => {
  const account = await register(app);
  const domain = await addDomain(account);
  const byKind = Object.fromEntries(domain.records.map((r) => [recordKind(r), r]));
  dns.txt(byKind.ownership!.name, `${byKind.ownership!.value}x`, `x${byKind.ownership!.value}`, byKind.ownership!.value.toUpperCase());
  dns.mx(domain.name, `${TEST_MAIL_HOSTNAME}.evil.test`, `evil-${TEST_MAIL_HOSTNAME}`);
  dns.txt(domain.name, 'v=spf1 include:elsewhere.test ~all', `v=spf1 a:${TEST_MAIL_HOSTNAME} ~all`);
  dns.txt(byKind.dkim!.name, byKind.dkim!.value.replace(/p=MIIB/, 'p=MIIC'));
  const res = await verify(account, domain.name);
  t.false(res.body.verified);
  t.like(statusesOf(res.body.records), { ownership: 'failed', mx: 'failed', spf: 'failed', dkim: 'failed' });
});

test('an SPF record the owner already has counts when it contains the mechanism', async (t) => {
  const account = await register(app);
  const domain = await addDomain(account);
  publishRecords(dns, domain.records, (r) => recordKind(r) === 'spf');
  dns.txt(domain.name, 'google-site-verification=abc', `v=spf1 include:_spf.google.com +a:${TEST_MAIL_HOSTNAME.toUpperCase()} ip4:192.0.2.1 -all`);
  const res = await verify(account, domain.name);
  t.true(res.body.verified);
  t.is(statusesOf(res.body.records).spf, 'verified');
});

test('a second organization cannot verify a domain another one verified: 409 domain_taken', async (t) => {
  const first = await register(app);
  const second = await register(app);
  const name = freshDomainName('taken');
  const mine = await addDomain(first, name);
  const theirs = await addDomain(second, name);
  t.not(mine.records[0]!.value, theirs.records[0]!.value, 'each organization has its own token');
  publishRecords(dns, mine.records);
  t.true((await verify(first, name)).body.verified);
  // Even with its own records published too.
  publishRecords(dns, theirs.records, (r) => r.type === 'MX' || recordKind(r) === 'spf');
  const res = await verify(second, name);
  t.is(res.status, 409);
  t.is(res.body.code, 'domain_taken');
  t.false((await app.get(`/v1/domains/${name}`, { auth: second.key })).body.verified);
  t.false(await app.deps.domains.isVerifiedFor(second.orgId, name));
  t.true(await app.deps.domains.isVerifiedFor(first.orgId, name));
});

test('two organizations verifying one name at the same moment: exactly one wins', async (t) => {
  const second = await world.start(env());
  t.teardown(() => second.close());
  for (let round = 0; round < 3; round++) {
    const [a, b] = await Promise.all([register(app), register(app)]);
    const name = freshDomainName('race');
    const [da, db] = await Promise.all([addDomain(a, name), addDomain(b, name)]);
    publishRecords(dns, da.records);
    publishRecords(dns, db.records, (r) => r.type === 'MX' || recordKind(r) === 'spf');
    const results = await Promise.all([verify(a, name, app), verify(b, name, second)]);
    const statuses = results.map((r) => r.status).sort();
    t.deepEqual(statuses, [200, 409], `round ${round}`);
    const verifiedRows = await app.deps.knex('domains').where({ name, verified: true }).count<{ n: number }[]>({ n: '*' });
    t.is(Number(verifiedRows[0]!.n), 1);
    const winner = results[0]!.status === 200 ? a : b;
    t.true(results.find((r) => r.status === 200)!.body.verified);
    t.true(await app.deps.domains.isVerifiedFor(winner.orgId, name));
  }
});

test('the re-check unverifies a domain whose records were removed, and emits domain.unverified', async (t) => {
  const account = await register(app);
  const path = await hook(account, ['domain.verified', 'domain.unverified']);
  const domain = await addDomain(account);
  publishRecords(dns, domain.records);
  t.true((await verify(account, domain.name)).body.verified);
  const [verifiedEvent] = await receiver.waitFor(path, 1, (d) => d.body?.event === 'domain.verified');
  t.like(verifiedEvent!.body, { event: 'domain.verified', organizationId: account.orgId, payload: { domain: { id: domain.id, name: domain.name, verified: true } } });

  // Still there: the re-check changes nothing and sends nothing.
  await app.deps.domainRechecker.runNow();
  t.true((await app.get(`/v1/domains/${domain.id}`, { auth: account.key })).body.verified);

  const dkim = domain.records.find((r) => recordKind(r) === 'dkim')!;
  dns.remove(dkim.name);
  await app.deps.domainRechecker.runNow();
  const after = await app.get(`/v1/domains/${domain.id}`, { auth: account.key });
  t.false(after.body.verified);
  t.is(after.body.verifiedAt, null);
  t.like(statusesOf(after.body.records), { dkim: 'failed', ownership: 'verified', mx: 'verified', spf: 'verified' });
  t.false(await app.deps.domains.isVerifiedFor(account.orgId, domain.name));
  const [event] = await receiver.waitFor(path, 1, (d) => d.body?.event === 'domain.unverified');
  t.like(event!.body.payload, { domain: { id: domain.id, name: domain.name, verified: false } });
  t.true(WebhookReceiver.signedWith(event!, (await app.deps.knex('webhooks').where({ organization_id: account.orgId }).first()).secret));
  await app.deps.domainRechecker.runNow();
  t.is(receiver.at(path).filter((d) => d.body?.event === 'domain.unverified').length, 1, 'once');
});

test('the re-check runs by itself every DOMAIN_RECHECK_HOURS', async (t) => {
  // 0.0005 h = 1.8 s.
  const quick = await world.start({ ...env(), DOMAIN_RECHECK_HOURS: '0.0005' });
  t.teardown(() => quick.close());
  const account = await register(quick);
  const path = await hook(account, ['domain.unverified']);
  const domain = await addDomain(account, freshDomainName(), quick);
  publishRecords(dns, domain.records);
  t.true((await verify(account, domain.name, quick)).body.verified);
  dns.remove(domain.name);
  const [event] = await receiver.waitFor(path, 1, (d) => d.body?.event === 'domain.unverified', 30_000);
  t.is(event!.body.payload.domain.name, domain.name);
  t.like(statusesOf(event!.body.payload.domain.records), { mx: 'failed', spf: 'failed' }, JSON.stringify(event!.body.payload.domain));
});

test('a resolver that does not answer changes nothing: a verified domain stays verified', async (t) => {
  const silent = await DnsServer.start();
  const blind = await world.start({ ...env(), DNS_SERVERS: silent.address });
  await silent.close(); // nothing listens there now
  t.teardown(() => blind.close());
  const account = await register(app);
  const domain = await addDomain(account);
  publishRecords(dns, domain.records);
  t.true((await verify(account, domain.name)).body.verified);
  await blind.deps.domainRechecker.runNow();
  const res = await verify(account, domain.name, blind);
  t.is(res.status, 200);
  t.true(res.body.verified);
  t.true(res.body.records.every((r: RecordJson) => r.status === 'verified'));
});

test('signingKeyFor: the PEM of the published key for a verified domain; DomainKeyUnreadableError and /health with another SECRETS_KEY', async (t) => {
  const account = await register(app);
  const domain = await addDomain(account);
  publishRecords(dns, domain.records);
  t.true((await verify(account, domain.name)).body.verified);
  const key = await app.deps.domains.signingKeyFor(account.orgId, domain.name.toUpperCase());
  const dkim = domain.records.find((r) => recordKind(r) === 'dkim')!;
  t.is(key!.domainName, domain.name);
  t.is(`${key!.keySelector}._domainkey.${domain.name}`, dkim.name);
  const published = dkim.value.split('p=')[1]!;
  t.is(createPublicKey(key!.privateKey).export({ type: 'spki', format: 'der' }).toString('base64'), published);
  t.is(await app.deps.domains.signingKeyFor((await register(app)).orgId, domain.name), null, "not another organization's");

  const health = await app.get('/health');
  t.is(health.status, 200);
  t.false('domainKeys' in health.body);

  const other = await world.start({ ...env(), SECRETS_KEY: randomBytes(32).toString('base64') });
  t.teardown(() => other.close());
  const error = await t.throwsAsync(other.deps.domains.signingKeyFor(account.orgId, domain.name), { instanceOf: DomainKeyUnreadableError });
  t.is(error!.domainName, domain.name);
  t.is(error!.code, 'domain_key_unreadable');
  t.false(error!.message.includes('PRIVATE'));
  const reported = await other.get('/health');
  t.is(reported.status, 200, 'the server is up: only those domains cannot sign');
  t.like(reported.body, { healthy: true, mysql: 'ok', redis: 'ok' });
  t.true(reported.body.domainKeys.unreadable >= 1);
});

test('no private key in Redis', async (t) => {
  const account = await register(app);
  const domain = await addDomain(account);
  publishRecords(dns, domain.records);
  await verify(account, domain.name);
  await app.deps.domains.signingKeyFor(account.orgId, domain.name);
  const redis = app.deps.redis!;
  const keys = await redis.keys(`${world.redisPrefix}*`);
  for (const k of keys) {
    const type = await redis.type(k);
    if (type === 'string') t.false(String(await redis.get(k)).includes('PRIVATE KEY'), k);
  }
  t.pass();
});

// Serial, so it runs before the test whose instance re-checks every 1.8 s with the same Redis prefix.
test.serial('one instance per interval re-checks: the round takes lock:domain-recheck in Redis, and another instance skips it', async (t) => {
  const [a, b] = await Promise.all([world.start({ ...env(), DOMAIN_RECHECK_HOURS: '2' }), world.start({ ...env(), DOMAIN_RECHECK_HOURS: '2' })]);
  // The lock outlives the test (held for most of 2 h): freed, so that the instance re-checking
  // every 1.8 s in a later test can take it.
  t.teardown(async () => {
    await a.deps.redis!.del(a.deps.redisKeys.domainRecheckLock);
    await Promise.all([a.close(), b.close()]);
  });
  const account = await register(a);
  const domain = await addDomain(account, freshDomainName(), a);
  publishRecords(dns, domain.records);
  t.true((await verify(account, domain.name, a)).body.verified);
  const checkedAt = async () => (await a.get(`/v1/domains/${domain.id}`, { auth: account.key })).body.lastCheckedAt as string;

  const lock = a.deps.redisKeys.domainRecheckLock;
  await a.deps.redis!.del(lock);
  const before = await checkedAt();
  await a.deps.domainRechecker.run();
  const afterA = await checkedAt();
  t.not(afterA, before, 'the first instance checked');
  const ttl = await a.deps.redis!.pttl(lock);
  t.true(ttl > 2 * 3_600_000 * 0.8 && ttl <= 2 * 3_600_000 * 0.9, `held for most of the interval (${ttl} ms)`);
  await b.deps.domainRechecker.run();
  t.is(await checkedAt(), afterA, 'the second skipped its round');
  await a.deps.redis!.del(lock);
  await b.deps.domainRechecker.run();
  t.not(await checkedAt(), afterA, 'with the lock free, it checks');
});

test('embedded (SQLite, no Redis): verify, the re-check with its in-process lock, and signing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sendook-domains-sqlite-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const embedded = await world.start({ ...env(), MYSQL_URL: '', REDIS_URL: '', SQLITE_FILE: join(dir, 'sendook.sqlite'), MIGRATE_ON_START: 'true', DOMAIN_RECHECK_HOURS: '1' });
  t.teardown(() => embedded.close());
  t.is(embedded.deps.redis, null);
  const account = await register(embedded);
  const domain = await addDomain(account, freshDomainName('sqlite'), embedded);
  publishRecords(dns, domain.records);
  t.true((await verify(account, domain.name, embedded)).body.verified);
  t.truthy(await embedded.deps.domains.signingKeyFor(account.orgId, domain.name));
  const other = await register(embedded);
  await addDomain(other, domain.name, embedded);
  t.is((await verify(other, domain.name, embedded)).body.code, 'domain_taken');

  dns.remove(domain.name);
  await embedded.deps.domainRechecker.run();
  t.false((await embedded.get(`/v1/domains/${domain.id}`, { auth: account.key })).body.verified);
  publishRecords(dns, domain.records, (r) => r.name !== domain.name);
  t.true((await verify(account, domain.name, embedded)).body.verified);
  dns.remove(domain.name);
  await embedded.deps.domainRechecker.run();
  t.true((await embedded.get(`/v1/domains/${domain.id}`, { auth: account.key })).body.verified, 'the lock holds for the interval: no second round');
  await embedded.deps.domainRechecker.runNow();
  t.false((await embedded.get(`/v1/domains/${domain.id}`, { auth: account.key })).body.verified);
});

test('a check overtaken by a newer one is dropped: it neither overwrites the statuses nor re-verifies', async (t) => {
  const account = await register(app);
  const domain = await addDomain(account);
  publishRecords(dns, domain.records);
  t.true((await verify(account, domain.name)).body.verified);
  const stale = await app.deps.domains.get(account.orgId, domain.id);
  dns.removeMx(domain.name);
  t.false((await verify(account, domain.name)).body.verified);
  dns.mx(domain.name, TEST_MAIL_HOSTNAME);
  // The copy read before the second check: its outcome (all found) must not land.
  await app.deps.domains.recheck(stale);
  const now = await app.get(`/v1/domains/${domain.id}`, { auth: account.key });
  t.false(now.body.verified);
  t.is(statusesOf(now.body.records).mx, 'failed');
  t.true((await verify(account, domain.name)).body.verified, 'a fresh check verifies it again');
});
