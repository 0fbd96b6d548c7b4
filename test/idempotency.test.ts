import test from 'ava';
import { request as httpRequest } from 'node:http';
import { idempotencyKeyHash } from '../app/domain/idempotency';
import { eventually } from './helpers/eventually';
import { randomSuffix } from './helpers/services';
import { SmtpReceiver } from './helpers/smtpReceiver';
import { register, TestWorld, type Account, type Reply, type TestApp } from './helpers/testApp';
import { WebhookReceiver } from './helpers/webhookReceiver';

// Idempotency-Key on POSTs (docs/api.md, "Idempotent requests"), through HTTP against real
// instances sharing one MySQL database and one Redis prefix, with a real SMTP receiver and a
// real webhook receiver. Each test seeds its own organization, inbox and subject.
let world: TestWorld;
let smtp: SmtpReceiver;
let hooks: WebhookReceiver;
let a: TestApp;
let b: TestApp;
const ENV = () => ({ SMTP_URL: smtp.url, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '50', USAGE_FLUSH_MS: '60000' });
test.before(async () => {
  [world, smtp, hooks] = await Promise.all([TestWorld.create(), SmtpReceiver.start(), WebhookReceiver.start()]);
  [a, b] = await Promise.all([world.start(ENV()), world.start(ENV())]);
});
test.after.always(async () => {
  await world?.close();
  await Promise.all([smtp?.close(), hooks?.close()]);
});

interface Seeded {
  account: Account;
  inboxId: string;
  /** A subject no other test uses: mails are counted by it. */
  subject: string;
  hookPath: string;
}

async function seed(app: TestApp): Promise<Seeded> {
  const account = await register(app);
  const inbox = await app.post('/v1/inboxes', { auth: account.key, body: { name: 'Idem' } });
  const hookPath = `/idem-${randomSuffix()}`;
  const hook = await app.post('/v1/webhooks', { auth: account.key, body: { url: hooks.url(hookPath), events: ['message.sent'] } });
  if (inbox.status !== 201 || hook.status !== 201) throw new Error('seeding failed');
  return { account, inboxId: inbox.body.id, subject: `Order ${randomSuffix()}`, hookPath };
}

const sendPath = (s: Seeded) => `/v1/inboxes/${s.inboxId}/messages/send`;
const mail = (s: Seeded, to = 'alice@example.test') => ({ to: [to], subject: s.subject, text: 'Your order shipped.' });
function send(app: TestApp, s: Seeded, key: string, body: unknown = mail(s)): Promise<Reply> {
  return app.post(sendPath(s), { auth: s.account.key, body, headers: { 'idempotency-key': key } });
}
const mailsOf = (s: Seeded) => smtp.mails.filter((m) => m.parsed.subject === s.subject);
async function storedMessages(app: TestApp, s: Seeded): Promise<unknown[]> {
  return (await app.get(`/v1/inboxes/${s.inboxId}/messages`, { auth: s.account.key })).body;
}
const counter = (app: TestApp, family: 'org' | 'send', orgId: string) => app.deps.redis!.get(`${world.redisPrefix}rl:${family}:${orgId}`).then(Number);
/** The stored row of a key, moved in time as a test needs it. */
const row = (app: TestApp, orgId: string, key: string) => app.deps.knex('idempotency_keys').where({ organization_id: orgId, key_hash: idempotencyKeyHash(key) });

test('a send retried with the same key after it succeeded: one message, one mail, one message.sent, no send point; the replay is the first answer plus Idempotent-Replayed', async (t) => {
  const s = await seed(a);
  const key = `order-${randomSuffix()}`;
  const first = await send(a, s, key);
  t.is(first.status, 201);
  t.is(first.headers.get('idempotent-replayed'), null);
  const requestPoints = await counter(a, 'org', s.account.orgId);

  const again = await send(a, s, key);
  const requestPointsAfter = await counter(a, 'org', s.account.orgId);
  t.is(again.status, 201);
  t.deepEqual(again.body, first.body);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.regex(again.headers.get('content-type') ?? '', /^application\/json/);
  t.not(again.headers.get('x-request-id'), first.headers.get('x-request-id'));
  // The mail went out inside the first request; a second one would have been sent before the replay answered.
  t.is(mailsOf(s).length, 1);
  t.is((await storedMessages(a, s)).length, 1);
  t.is(await counter(a, 'send', s.account.orgId), 1, 'the replay took no point of the send budget');
  if (a.deps.config.rateLimitMode === 'exact') t.is(requestPointsAfter, requestPoints + 1, 'the replay is one request');

  // One message.sent: a later send's event arrives, and still only one for the first message.
  const later = await a.post(sendPath(s), { auth: s.account.key, body: { ...mail(s), text: 'later' } });
  await hooks.waitFor(s.hookPath, 1, (d) => d.body.messageId === later.body.id);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.is(hooks.at(s.hookPath).filter((d) => d.body.messageId === first.body.id).length, 1);

  // The request log shows the replay.
  await a.deps.usageFlusher.flush();
  const logs = await a.get(`/v1/logs?route=${encodeURIComponent('/v1/inboxes/:inboxId/messages/send')}`, { auth: s.account.key });
  t.deepEqual(
    logs.body.map((l: { replayed: boolean; status: number }) => [l.status, l.replayed]),
    [
      [201, false],
      [201, true],
      [201, false],
    ],
  );
});

test('two instances, concurrent sends with one key: exactly one mail; every other answer is 409 with Retry-After or the replay', async (t) => {
  const s = await seed(a);
  const key = `race-${randomSuffix()}`;
  const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => send(i % 2 ? b : a, s, key)));
  const ran = answers.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
  t.is(ran.length, 1);
  for (const r of answers.filter((x) => !ran.includes(x))) {
    if (r.status === 409) {
      t.is(r.body.code, 'idempotency_in_progress');
      t.is(r.headers.get('retry-after'), '1');
    } else {
      t.is(r.status, 201);
      t.is(r.headers.get('idempotent-replayed'), 'true');
      t.deepEqual(r.body, ran[0]!.body);
    }
  }
  // A client backing off on the 409s gets the replay.
  const retried = await send(b, s, key);
  t.is(retried.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(retried.body, ran[0]!.body);
  t.is(mailsOf(s).length, 1);
  t.is((await storedMessages(b, s)).length, 1);
});

test('a 502 from the relay is not kept: the retry with the same key runs, and one mail goes out', async (t) => {
  const s = await seed(a);
  const key = `relay-${randomSuffix()}`;
  const to = `refused-once-${randomSuffix()}@example.test`;
  smtp.refuseNext(to);
  const failed = await send(a, s, key, mail(s, to));
  t.is(failed.status, 502);
  t.is(failed.body.code, 'send_failed');
  const retried = await send(a, s, key, mail(s, to));
  t.is(retried.status, 201);
  t.is(retried.headers.get('idempotent-replayed'), null, 'the retry ran');
  t.is((await send(b, s, key, mail(s, to))).headers.get('idempotent-replayed'), 'true', 'and its answer is kept');
  t.is(mailsOf(s).length, 1);
});

test('the same key with another body, path or method is 422; key order and spacing of the body do not matter', async (t) => {
  const s = await seed(a);
  const key = `content-${randomSuffix()}`;
  t.is((await send(a, s, key)).status, 201);
  const other = await send(a, s, key, { ...mail(s), text: 'Something else.' });
  t.is(other.status, 422);
  t.is(other.body.code, 'idempotency_key_reused');
  const elsewhere = await a.post('/v1/inboxes', { auth: s.account.key, body: mail(s), headers: { 'idempotency-key': key } });
  t.is(elsewhere.body.code, 'idempotency_key_reused');
  const query = await a.post(`${sendPath(s)}?x=1`, { auth: s.account.key, body: mail(s), headers: { 'idempotency-key': key } });
  t.is(query.body.code, 'idempotency_key_reused', 'the query string is part of the path');

  // The same JSON written differently: keys reordered, whitespace, an escaped character.
  const reordered = `{ "text": "Your order shipped\\u002e", "subject": ${JSON.stringify(s.subject)},\n  "to": ["alice@example.test"] }`;
  const same = await a.post(sendPath(s), { auth: s.account.key, rawBody: reordered, headers: { 'content-type': 'application/json', 'idempotency-key': key } });
  t.is(same.status, 201);
  t.is(same.headers.get('idempotent-replayed'), 'true');
  t.is(mailsOf(s).length, 1);
  t.is((await storedMessages(a, s)).length, 1);
});

test('keys belong to the organization: the same key and body in another organization runs on its own', async (t) => {
  const [one, two] = await Promise.all([seed(a), seed(a)]);
  const key = `shared-${randomSuffix()}`;
  const body = { to: ['bob@example.test'], subject: one.subject, text: 'hi' };
  const first = await send(a, one, key, body);
  const second = await send(a, two, key, body);
  t.is(first.status, 201);
  t.is(second.status, 201);
  t.is(second.headers.get('idempotent-replayed'), null);
  t.not(second.body.id, first.body.id);
  t.is(mailsOf(one).length, 2);
});

test('an instance restarted between the two requests still replays; after the TTL the key runs again and the pruner removes dead rows', async (t) => {
  const first = await world.start(ENV());
  const s = await seed(first);
  const key = `restart-${randomSuffix()}`;
  const original = await send(first, s, key);
  t.is(original.status, 201);
  await first.close();
  const second = await world.start(ENV());
  const replay = await send(second, s, key);
  t.is(replay.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(replay.body, original.body);
  t.is(mailsOf(s).length, 1);

  // The kept answer is IDEMPOTENCY_TTL_HOURS old: the same request runs again.
  await row(second, s.account.orgId, key).update({ expires_at: Date.now() - 1 });
  const rerun = await send(second, s, key);
  t.is(rerun.status, 201);
  t.is(rerun.headers.get('idempotent-replayed'), null);
  t.not(rerun.body.id, original.body.id);
  t.is(mailsOf(s).length, 2);

  const [kept] = await row(second, s.account.orgId, key).select('expires_at');
  const ttlMs = Number(kept.expires_at) - Date.now();
  t.true(ttlMs > 23.9 * 3_600_000 && ttlMs <= 24 * 3_600_000, 'kept for IDEMPOTENCY_TTL_HOURS (24)');
  await row(second, s.account.orgId, key).update({ expires_at: Date.now() - 1 });
  await second.deps.idempotency.prune();
  t.deepEqual(await row(second, s.account.orgId, key).select('key_hash'), []);
});

test('4xx answers are kept and replayed; a 429 is not, so the retry runs', async (t) => {
  const s = await seed(a);
  const missing = await a.post('/v1/inboxes/0123456789abcdef01234567/messages/send', { auth: s.account.key, body: mail(s), headers: { 'idempotency-key': 'k404' } });
  t.is(missing.status, 404);
  const again = await a.post('/v1/inboxes/0123456789abcdef01234567/messages/send', { auth: s.account.key, body: mail(s), headers: { 'idempotency-key': 'k404' } });
  t.is(again.status, 404);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(again.body, missing.body);

  t.is((await a.patch(`/organizations/${s.account.orgId}`, { auth: s.account.token, body: { sendLimitPoints: 1 } })).status, 200);
  t.is((await a.post(sendPath(s), { auth: s.account.key, body: mail(s) })).status, 201);
  const limited = await send(a, s, 'k429');
  t.is(limited.status, 429);
  t.is(limited.body.code, 'send_limited');
  const retried = await send(a, s, 'k429');
  t.is(retried.status, 429);
  t.is(retried.headers.get('idempotent-replayed'), null, 'ran again: the budget decides anew');
  t.deepEqual(await row(a, s.account.orgId, 'k429').select('key_hash'), []);
});

/** Sends one POST with raw header lines, for what fetch cannot send (a header twice). */
function rawPost(app: TestApp, path: string, headers: [string, string][], body: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    // Raw header lines are sent as they are: no Host or Content-Length is added for us.
    const lines = [...headers, ['host', new URL(app.url).host], ['content-length', String(Buffer.byteLength(body))]].flat();
    const req = httpRequest(app.url + path, { method: 'POST', headers: lines as unknown as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a bad Idempotency-Key is 400 validation_failed naming the header, and nothing is sent', async (t) => {
  const s = await seed(a);
  for (const bad of ['', 'x'.repeat(256), 'tab\there', 'caf\u00e9']) {
    const res = await send(a, s, bad);
    t.is(res.status, 400, JSON.stringify(bad));
    t.is(res.body.code, 'validation_failed');
    t.deepEqual(res.body.details.map((d: { path: string }) => d.path), ['headers.Idempotency-Key']);
  }
  const body = JSON.stringify(mail(s));
  const twice = await rawPost(a, sendPath(s), [['authorization', `Bearer ${s.account.key}`], ['content-type', 'application/json'], ['idempotency-key', 'one'], ['idempotency-key', 'two']], body);
  t.is(twice.status, 400);
  t.is(twice.body.details[0].path, 'headers.Idempotency-Key');
  t.is((await send(a, s, 'x'.repeat(255))).status, 201, '255 characters are fine');
  t.is((await send(a, s, ' ~!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}')).status, 201, 'so is every printable character');
  t.is(mailsOf(s).length, 2);
});

test('POSTs under /organizations/:orgId take the key too (member token, organization from the path)', async (t) => {
  const account = await register(a);
  const create = () => a.post(`/organizations/${account.orgId}/inboxes`, { auth: account.token, body: { name: 'Once' }, headers: { 'idempotency-key': 'create-once' } });
  const first = await create();
  t.is(first.status, 201);
  const again = await create();
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(again.body, first.body);
  const inboxes = await a.get(`/organizations/${account.orgId}/inboxes`, { auth: account.token });
  t.is(inboxes.body.filter((i: { name: string }) => i.name === 'Once').length, 1);
  // The key is the organization's: the same request with its API key is the replay.
  const byKey = await a.post('/v1/inboxes', { auth: account.key, body: { name: 'Once' }, headers: { 'idempotency-key': 'create-once' } });
  t.is(byKey.body.code, 'idempotency_key_reused', 'another path: /v1/inboxes is not /organizations/…/inboxes');
});

test.serial('GETs ignore the header: GET /v1/health and GET /v1/inboxes cost the same queries and Redis commands with it', async (t) => {
  const app = await world.start({ ...ENV(), KEY_CACHE_TTL_MS: '600000', NEGATIVE_CACHE_TTL_MS: '600000', REDIS_COMMAND_TIMEOUT_MS: '10000', RATE_LIMIT_MODE: 'exact' });
  const account = await register(app);
  await app.get('/v1/health', { auth: account.key });
  await eventually(async () => (await app.deps.redis!.exists(app.deps.redisKeys.apiKey((await import('../app/lib/credentials')).hashSecret(account.key)))) === 1, 2000, 'the key in Redis');
  const cost = async (path: string, headers: Record<string, string>) => {
    const before = app.deps.counters.snapshot();
    for (let i = 0; i < 5; i++) t.is((await app.get(path, { auth: account.key, headers })).status, 200);
    const after = app.deps.counters.snapshot();
    return { mysql: after.mysqlQueries - before.mysqlQueries, redis: after.redisCommands - before.redisCommands };
  };
  const withKey = { 'idempotency-key': 'ignored-on-get' };
  t.deepEqual(await cost('/v1/health', withKey), { mysql: 0, redis: 5 });
  t.deepEqual(await cost('/v1/health', {}), { mysql: 0, redis: 5 });
  t.deepEqual(await cost('/v1/inboxes', withKey), await cost('/v1/inboxes', {}));
  t.deepEqual(await app.deps.knex('idempotency_keys').where({ organization_id: account.orgId }).select('key_hash'), []);
});

test('a secret shown once is not kept: the replay of a new API key or webhook is the object without it, and the row never held it', async (t) => {
  const account = await register(a);
  const create = () => a.post('/v1/api_keys', { auth: account.key, body: { name: 'once' }, headers: { 'idempotency-key': 'new-key' } });
  const first = await create();
  t.is(first.status, 201);
  t.regex(first.body.key, /^sndk_/);
  const replay = await create();
  t.is(replay.headers.get('idempotent-replayed'), 'true');
  t.false('key' in replay.body);
  const { key: _, ...withoutSecret } = first.body;
  t.deepEqual(replay.body, withoutSecret);
  const keys = await a.get('/v1/api_keys', { auth: account.key });
  t.is(keys.body.filter((k: { name: string }) => k.name === 'once').length, 1);

  const hook = () => a.post('/v1/webhooks', { auth: account.key, body: { url: hooks.url('/never-called'), events: ['message.sent'] }, headers: { 'idempotency-key': 'new-hook' } });
  const created = await hook();
  t.is(created.status, 201);
  const again = await hook();
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.is(again.body.id, created.body.id);
  t.false('secret' in again.body);

  const kept = (await a.deps.knex('idempotency_keys').where({ organization_id: account.orgId }).select('body')).map((r: { body: string }) => r.body).join('\n');
  t.false(kept.includes(first.body.key));
  t.false(kept.includes(created.body.secret));
});
