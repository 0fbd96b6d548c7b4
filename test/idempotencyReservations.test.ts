import test from 'ava';
import { idempotencyKeyHash } from '../app/domain/idempotency';
import { IdempotencyKeyRepository } from '../app/repositories/idempotencyKeys';
import { IdempotencyService } from '../app/services/idempotency';
import { RedisServer } from './helpers/redisServer';
import { MYSQL_SERVER_URL, randomSuffix } from './helpers/services';
import { mysqlProxy } from './helpers/tcpProxy';
import { SmtpReceiver } from './helpers/smtpReceiver';
import { register, TestWorld, type Account, type Reply, type TestApp } from './helpers/testApp';

// Idempotency-Key reservations when things go wrong: an instance that died mid-request, a request
// that runs past the reservation's expiry, Redis down. Two instances on one database and Redis.
let world: TestWorld;
let smtp: SmtpReceiver;
let a: TestApp;
let b: TestApp;
const ENV = () => ({ SMTP_URL: smtp.url });
test.before(async () => {
  [world, smtp] = await Promise.all([TestWorld.create(), SmtpReceiver.start()]);
  [a, b] = await Promise.all([world.start(ENV()), world.start(ENV())]);
});
test.after.always(async () => {
  await world?.close();
  await smtp?.close();
});

interface Seeded {
  account: Account;
  inboxId: string;
  /** A subject no other test uses: mails are counted by it. */
  subject: string;
}

async function seed(app: TestApp): Promise<Seeded> {
  const account = await register(app);
  const inbox = await app.post('/v1/inboxes', { auth: account.key, body: { name: 'Idem' } });
  if (inbox.status !== 201) throw new Error('seeding failed');
  return { account, inboxId: inbox.body.id, subject: `Order ${randomSuffix()}` };
}

const sendPath = (s: Seeded) => `/v1/inboxes/${s.inboxId}/messages/send`;
const mail = (s: Seeded) => ({ to: ['alice@example.test'], subject: s.subject, text: 'Your order shipped.' });
function send(app: TestApp, s: Seeded, key: string): Promise<Reply> {
  return app.post(sendPath(s), { auth: s.account.key, body: mail(s), headers: { 'idempotency-key': key } });
}
const mailsOf = (s: Seeded) => smtp.mails.filter((m) => m.parsed.subject === s.subject);
const row = (app: TestApp, orgId: string, key: string) => app.deps.knex('idempotency_keys').where({ organization_id: orgId, key_hash: idempotencyKeyHash(key) });

test('a reservation left by a dead instance holds the key (Redis marker, then the row) until its expiry, then the retry runs', async (t) => {
  const s = await seed(a);
  const key = `crash-${randomSuffix()}`;
  // An instance that reserved the key and died before answering: its reservation is never settled.
  const claim = await a.deps.idempotency.claim({ organizationId: s.account.orgId, key, method: 'POST', url: sendPath(s), body: mail(s) });
  t.is(claim.kind, 'run');
  const marker = a.deps.redisKeys.idempotency(s.account.orgId, idempotencyKeyHash(key));
  const pttl = await a.deps.redis!.pttl(marker);
  t.true(pttl > 0 && pttl <= 60_000, 'the in-progress marker expires');

  const blocked = await send(b, s, key);
  t.is(blocked.status, 409);
  t.is(blocked.body.code, 'idempotency_in_progress');
  t.is(blocked.headers.get('retry-after'), '1');
  await a.deps.redis!.del(marker);
  t.is((await send(b, s, key)).status, 409, 'without the marker the row still says in progress');

  // The reservation's expiry passes: its instance stopped renewing it.
  await row(a, s.account.orgId, key).update({ locked_until: Date.now() - 1 });
  const taken = await send(b, s, key);
  t.is(taken.status, 201);
  t.is(taken.headers.get('idempotent-replayed'), null);
  // The dead instance's late settlement changes nothing: the key is no longer its own.
  if (claim.kind === 'run') await claim.reservation.release();
  t.is((await send(a, s, key)).headers.get('idempotent-replayed'), 'true');
  t.is(mailsOf(s).length, 1);
});

test('Redis down: the database alone decides; a retry is still replayed and a reservation still holds the key', async (t) => {
  const redis = await RedisServer.start();
  const app = await world.start({ ...ENV(), REDIS_URL: redis.url });
  // Redis comes back before the instance closes: BullMQ's worker only stops cleanly then.
  t.teardown(async () => {
    await redis.boot();
    const queue = app.deps.deliveryQueue as unknown as { connected?: boolean };
    for (let i = 0; i < 100 && queue.connected === false; i++) await new Promise((r) => setTimeout(r, 50));
    await app.close();
    await redis.stop();
  });
  const account = await register(app);
  await redis.kill();
  const create = () => app.post('/v1/inboxes', { auth: account.key, body: { name: 'Degraded' }, headers: { 'idempotency-key': 'while-redis-is-down' } });
  const first = await create();
  t.is(first.status, 201);
  t.is(first.headers.get('sendook-degraded'), 'redis');
  const again = await create();
  t.is(again.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(again.body, first.body);
  const claim = await app.deps.idempotency.claim({ organizationId: account.orgId, key: 'held', method: 'POST', url: '/v1/inboxes', body: {} });
  t.is(claim.kind, 'run');
  t.is((await app.post('/v1/inboxes', { auth: account.key, body: {}, headers: { 'idempotency-key': 'held' } })).body.code, 'idempotency_in_progress');
  if (claim.kind === 'run') await claim.reservation.release();
});

test('a running request renews its reservation, so a long request keeps its key past the expiry', async (t) => {
  // The service on the world's database, with a 300 ms expiry instead of 60 s.
  const service = new IdempotencyService(new IdempotencyKeyRepository(a.deps.knex), null, { ttlMs: 60_000, inProgressMs: 300 }, a.deps.logger);
  const request = { organizationId: `org${randomSuffix()}`.padEnd(24, '0').slice(0, 24), key: 'long', method: 'POST', url: '/v1/inboxes', body: {} };
  const running = await service.claim(request);
  t.is(running.kind, 'run');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  t.is((await service.claim(request)).kind, 'in_progress', 'renewed every 100 ms, so still held after 1 s');
  if (running.kind === 'run') await running.reservation.complete({ status: 201, body: '{"ok":true}' });
  t.deepEqual(await service.claim(request), { kind: 'replay', answer: { status: 201, body: '{"ok":true}' } });
  t.is((await service.claim({ ...request, body: { other: true } })).kind, 'reused');
});

test('MySQL down: a request with a key is 503 and holds nothing; once MySQL is back the retry runs', async (t) => {
  const { proxy, url: viaProxy } = await mysqlProxy(world.databaseUrl, MYSQL_SERVER_URL);
  t.teardown(() => proxy.cut());
  const app = await world.start({ ...ENV(), MYSQL_URL: viaProxy, MYSQL_CONNECT_TIMEOUT_MS: '2000', MYSQL_ACQUIRE_TIMEOUT_MS: '3000' });
  const account = await register(app);
  t.is((await app.get('/v1/health', { auth: account.key })).status, 200, 'the key is cached');
  const create = () => app.post('/v1/inboxes', { auth: account.key, body: { name: 'Outage' }, headers: { 'idempotency-key': 'during-outage' } });

  await proxy.cut();
  // Without the row nothing may run: a send could not be told from its retry.
  const refused = await create();
  t.is(refused.status, 503);
  t.is(refused.body.code, 'service_unavailable');
  t.is(await app.deps.redis!.exists(app.deps.redisKeys.idempotency(account.orgId, idempotencyKeyHash('during-outage'))), 0, 'no marker left behind');

  await proxy.restore();
  const retried = await create();
  t.is(retried.status, 201);
  t.is(retried.headers.get('idempotent-replayed'), null);
  t.is((await create()).headers.get('idempotent-replayed'), 'true');
});
