import { randomBytes } from 'node:crypto';
import test from 'ava';
import { z } from 'zod';
import { domainObject, domainRecordObject } from '../app/openapi/domainObjects';
import { DnsServer } from './helpers/dnsServer';
import { freshDomainName, publishRecords, TEST_MAIL_HOSTNAME } from './helpers/domains';
import { LogCapture } from './helpers/logCapture';
import { createKey, register, TestWorld, type Account, type TestApp } from './helpers/testApp';

// The domains resource over HTTP: the SDK's shapes, both mounts, names, scopes and tenancy.
// Verification by DNS has its own file (domainVerification.test.ts).
let world: TestWorld;
let app: TestApp;
let dns: DnsServer;
test.before(async () => {
  world = await TestWorld.create();
  dns = await DnsServer.start();
  app = await world.start({ DNS_SERVERS: dns.address, MAIL_HOSTNAME: TEST_MAIL_HOSTNAME, SECRETS_KEY: randomBytes(32).toString('hex') });
});
test.after.always(async () => {
  await world?.close();
  await dns?.close();
});

async function createDomain(account: Account, name = freshDomainName()) {
  const res = await app.post('/v1/domains', { auth: account.key, body: { name } });
  if (res.status !== 201) throw new Error(`create domain failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

test("the SDK's calls in its shapes: create, get by name, dns, verify, delete", async (t) => {
  const account = await register(app);
  const name = freshDomainName('sdk');
  const created = await app.post('/v1/domains', { auth: account.key, body: { name } });
  t.is(created.status, 201);
  t.like(created.body, { _id: created.body.id, organizationId: account.orgId, name, verified: false, verifiedAt: null, lastCheckedAt: null });
  t.regex(created.body.id, /^[0-9a-f]{24}$/);
  t.is(created.body.records.length, 5);
  t.true(created.body.records.every((r: any) => r.status === 'pending' && typeof r.value === 'string' && r.name.endsWith(name)));
  const [ownership, mx, spf, dkim, dmarc] = created.body.records;
  t.like(ownership, { type: 'TXT', name: `_sendook.${name}`, required: true });
  t.regex(ownership.value, /^sendook-verification=[0-9a-f]{40}$/);
  t.like(mx, { type: 'MX', name, value: TEST_MAIL_HOSTNAME, required: true });
  t.like(spf, { type: 'TXT', name, value: `v=spf1 a:${TEST_MAIL_HOSTNAME} ~all`, required: true });
  t.regex(dkim.name, new RegExp(`^sendook-[0-9a-f]{8}\\._domainkey\\.${name.replace(/\./g, '\\.')}$`));
  t.regex(dkim.value, /^v=DKIM1; k=rsa; p=MIIBIjAN[A-Za-z0-9+/=]+$/);
  t.like(dmarc, { type: 'TXT', name: `_dmarc.${name}`, required: false });

  const got = await app.get(`/v1/domains/${name}`, { auth: account.key });
  t.is(got.status, 200);
  t.deepEqual(got.body, created.body);
  t.deepEqual((await app.get(`/v1/domains/${created.body.id}`, { auth: account.key })).body, created.body);
  const records = await app.get(`/v1/domains/${name}/dns`, { auth: account.key });
  t.is(records.status, 200);
  t.true(Array.isArray(records.body) && records.body.length > 0);
  t.deepEqual(records.body, created.body.records);
  t.notThrows(() => domainObject.parse(created.body), 'the documented object');
  t.notThrows(() => z.array(domainRecordObject).parse(records.body));

  publishRecords(dns, records.body);
  // The SDK posts an empty JSON object.
  const verified = await app.post(`/v1/domains/${name}/verify`, { auth: account.key, body: {} });
  t.is(verified.status, 200);
  t.like(verified.body, { name, verified: true });
  t.true(verified.body.records.every((r: any) => r.status === 'verified'));
  t.truthy(Date.parse(verified.body.verifiedAt));

  const list = await app.get('/v1/domains', { auth: account.key });
  t.deepEqual(list.body.map((d: any) => d.name), [name]);
  const deleted = await app.delete(`/v1/domains/${name}`, { auth: account.key });
  t.is(deleted.status, 200);
  t.is(deleted.body.id, created.body.id);
  t.is((await app.get(`/v1/domains/${name}`, { auth: account.key })).status, 404);
  for (const body of [created.body, got.body, verified.body, list.body, deleted.body]) t.false(JSON.stringify(body).includes('PRIVATE KEY'));
});

test('members use the same resource under /organizations/:orgId/domains; others get 404', async (t) => {
  const account = await register(app);
  const stranger = await register(app);
  const name = freshDomainName('org');
  const created = await app.post(`/organizations/${account.orgId}/domains`, { auth: account.token, body: { name } });
  t.is(created.status, 201);
  t.is((await app.get(`/v1/domains/${name}`, { auth: account.key })).body.id, created.body.id);
  t.is((await app.get(`/organizations/${account.orgId}/domains/${name}/dns`, { auth: account.token })).status, 200);
  t.is((await app.get(`/organizations/${account.orgId}/domains`, { auth: stranger.token })).status, 404);
});

test("another organization's domain is answered as absent, by name and by id, on every route", async (t) => {
  const owner = await register(app);
  const other = await register(app);
  const domain = await createDomain(owner);
  for (const ref of [domain.name, domain.id]) {
    for (const [method, path] of [['GET', `/v1/domains/${ref}`], ['GET', `/v1/domains/${ref}/dns`], ['POST', `/v1/domains/${ref}/verify`], ['DELETE', `/v1/domains/${ref}?force=true`]] as const) {
      const res = await app.request(method, path, { auth: other.key });
      t.is(res.status, 404, `${method} ${path}`);
      t.is(res.body.code, 'not_found');
    }
  }
  t.deepEqual((await app.get('/v1/domains', { auth: other.key })).body, []);
  t.is((await app.get(`/v1/domains/${domain.id}`, { auth: owner.key })).status, 200, 'still there');
});

test('names are normalised: uppercase is lowercased, Unicode becomes punycode, and either form finds it', async (t) => {
  const account = await register(app);
  const suffix = randomBytes(3).toString('hex');
  const upper = await app.post('/v1/domains', { auth: account.key, body: { name: `  MiXed-${suffix}.Example.TEST ` } });
  t.is(upper.status, 201);
  t.is(upper.body.name, `mixed-${suffix}.example.test`);
  const unicode = await app.post('/v1/domains', { auth: account.key, body: { name: `bücher-${suffix}.example.test` } });
  t.is(unicode.status, 201);
  t.regex(unicode.body.name, new RegExp(`^xn--bcher-${suffix}-[a-z0-9]+\\.example\\.test$`));
  t.is((await app.get(`/v1/domains/${encodeURIComponent(`BÜCHER-${suffix}.example.test`)}`, { auth: account.key })).body.id, unicode.body.id);
  t.is((await app.get(`/v1/domains/${unicode.body.name}`, { auth: account.key })).body.id, unicode.body.id);
  const again = await app.post('/v1/domains', { auth: account.key, body: { name: `MIXED-${suffix}.example.test` } });
  t.is(again.status, 409);
  t.is(again.body.code, 'conflict');
  t.is((await app.get('/v1/domains', { auth: account.key })).body.length, 2);
});

test('malformed names are 400 validation_failed naming the field, and nothing is stored', async (t) => {
  const account = await register(app);
  const bad: unknown[] = [
    'exa mple.com',
    'example.com.',
    'localhost',
    '192.0.2.1',
    '0x7f.1',
    '[::1]',
    '::1',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`,
    `${'a'.repeat(296)}.com`,
    'a..b.com',
    '-a.example.com',
    'a_b.example.com',
    'example.123',
    'sendook.local',
    'SENDOOK.local',
    '',
    'name@example.com',
    'https://example.com',
    'a\u0000b.com',
    42,
    null,
  ];
  for (const name of bad) {
    const res = await app.post('/v1/domains', { auth: account.key, body: { name } });
    t.is(res.status, 400, JSON.stringify(name));
    t.is(res.body.code, 'validation_failed');
    t.is(res.body.details[0].path, 'name');
  }
  const extra = await app.post('/v1/domains', { auth: account.key, body: { name: freshDomainName(), verified: true } });
  t.is(extra.status, 400);
  t.is((await app.post('/v1/domains', { auth: account.key, body: {} })).status, 400);
  t.deepEqual((await app.get('/v1/domains', { auth: account.key })).body, []);
});

test('odd paths are 404 with the envelope, never 500', async (t) => {
  const account = await register(app);
  const paths = ['/v1/domains/..', '/v1/domains/%2e%2e', '/v1/domains/%2e%2e/dns', '/v1/domains/a..b.com', '/v1/domains/%00', `/v1/domains/${'x'.repeat(300)}.com`, '/v1/domains/1.2.3.4', '/v1/domains/%E2%80%AE.com', '/v1/domains/%ZZ'];
  for (const path of paths) {
    const res = await app.get(path, { auth: account.key });
    t.true(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
    t.true(typeof res.body?.code === 'string' && typeof res.body?.requestId === 'string', path);
  }
  const bad = await app.delete('/v1/domains/whatever.example.test?force=maybe', { auth: account.key });
  t.is(bad.status, 400);
});

test('scopes: domains:read lists and reads but cannot write; other scopes reach nothing', async (t) => {
  const account = await register(app);
  const domain = await createDomain(account);
  const reader = await createKey(app, account, { name: 'reader', scopes: ['domains:read'] });
  t.is((await app.get('/v1/domains', { auth: reader.key })).status, 200);
  t.is((await app.get(`/v1/domains/${domain.name}/dns`, { auth: reader.key })).status, 200);
  for (const [method, path, body] of [['POST', '/v1/domains', { name: freshDomainName() }], ['POST', `/v1/domains/${domain.name}/verify`], ['DELETE', `/v1/domains/${domain.name}`]] as const) {
    const res = await app.request(method, path, { auth: reader.key, body });
    t.is(res.status, 403, `${method} ${path}`);
    t.like(res.body, { code: 'insufficient_scope', details: { required: 'domains:write' } });
  }
  const inboxOnly = await createKey(app, account, { name: 'inboxes', scopes: ['inboxes:read', 'inboxes:write'] });
  const res = await app.get(`/v1/domains/${domain.name}`, { auth: inboxOnly.key });
  t.like(res.body, { code: 'insufficient_scope', details: { required: 'domains:read' } });
  t.is((await app.get(`/v1/domains/${domain.name}`, { auth: account.key })).status, 200, 'still there');
});

test('delete is 409 domain_in_use while inboxes have addresses at the domain (any case), unless ?force=true', async (t) => {
  const account = await register(app);
  const domain = await createDomain(account);
  publishRecords(dns, domain.records);
  t.is((await app.post(`/v1/domains/${domain.name}/verify`, { auth: account.key })).body.verified, true);
  const inbox = await app.post('/v1/inboxes', { auth: account.key, body: { email: `Sales@${domain.name.toUpperCase()}` } });
  t.is(inbox.status, 201);
  // Addresses on a subdomain or on a longer name ending the same way are not at this domain
  // (rows as an older version left them: the API may refuse such addresses now).
  const now = Date.now();
  const at = (id: string, email: string) => ({ id, organization_id: account.orgId, name: null, email, email_lower: email.toLowerCase(), created_at: now, updated_at: now });
  await app.deps.knex('inboxes').insert([at(`${domain.id.slice(0, 22)}f1`, `x@sub.${domain.name}`), at(`${domain.id.slice(0, 22)}f2`, `x@pre${domain.name}`)]);
  const refused = await app.delete(`/v1/domains/${domain.name}`, { auth: account.key });
  t.is(refused.status, 409);
  t.is(refused.body.code, 'domain_in_use');
  t.regex(refused.body.error, /1 inbox/);
  t.is((await app.get(`/v1/domains/${domain.name}`, { auth: account.key })).status, 200);
  const forced = await app.delete(`/v1/domains/${domain.name}?force=true`, { auth: account.key });
  t.is(forced.status, 200);
  t.is((await app.get(`/v1/inboxes/${inbox.body.id}`, { auth: account.key })).status, 200, 'the inbox stays');
});

test('with MySQL and no SECRETS_KEY: adding a domain is 503 not_configured naming it, and the boot log says so', async (t) => {
  const logs = new LogCapture();
  const bare = await world.start({ LOG_LEVEL: 'warn', DNS_SERVERS: dns.address }, logs);
  t.teardown(() => bare.close());
  const account = await register(bare);
  const res = await bare.post('/v1/domains', { auth: account.key, body: { name: freshDomainName() } });
  t.is(res.status, 503);
  t.is(res.body.code, 'not_configured');
  t.regex(res.body.error, /SECRETS_KEY/);
  t.deepEqual((await bare.get('/v1/domains', { auth: account.key })).body, []);
  const warnings = logs.atLeast(40).map((l) => l.msg as string);
  t.is(warnings.filter((m) => /SECRETS_KEY is not set/.test(m)).length, 1);
  t.is(warnings.filter((m) => /MAIL_HOSTNAME is not set/.test(m)).length, 1, 'and one line asks for MAIL_HOSTNAME');
});
