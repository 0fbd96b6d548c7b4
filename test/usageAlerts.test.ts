import test from 'ava';
import { getFrom } from './helpers/fromAddress';
import { createKey, register, TestWorld, type Account, type TestApp } from './helpers/testApp';
import { WebhookReceiver, type Delivery } from './helpers/webhookReceiver';

// The usage alerts (docs/usage.md#alerts-webhook-events): signed webhook deliveries like every
// other event, each at most once per its window across instances.
let world: TestWorld;
let receiver: WebhookReceiver;
test.before(async () => {
  world = await TestWorld.create();
  receiver = await WebhookReceiver.start();
});
test.after.always(async () => {
  await receiver?.close();
  await world?.close();
});

const ENV = { USAGE_FLUSH_MS: '100', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '100' };
const EVENTS = ['api_key.new_client', 'api_key.rejected', 'organization.rate_limited'];

async function subscribe(app: TestApp, account: Account, path: string): Promise<string> {
  const res = await app.post('/v1/webhooks', { auth: account.key, body: { url: receiver.url(path), events: EVENTS } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body.secret;
}

const ofEvent = (event: string) => (d: Delivery) => d.body?.event === event;
const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

test('api_key.new_client: once per key and client address, signed, with the key and the client', async (t) => {
  const [a, b] = [await world.start(ENV), await world.start(ENV)];
  const account = await register(a);
  const path = '/new-client';
  const secret = await subscribe(a, account, path);
  const key = await createKey(a, account);
  const auth = { authorization: `Bearer ${key.key}`, 'user-agent': 'alerts-test/1.0' };
  // The same new address on two instances at once, several times: one alert.
  await Promise.all([a, b, a, b].map((app) => getFrom('127.0.0.7', `${app.url}/v1/health`, auth)));
  const [delivery] = await receiver.waitFor(path, 1, (d) => ofEvent('api_key.new_client')(d) && d.body.payload.apiKey.id === key.id);
  t.true(WebhookReceiver.signedWith(delivery!, secret));
  t.like(delivery!.body, { event: 'api_key.new_client', organizationId: account.orgId });
  t.like(delivery!.body.payload, { apiKey: { id: key.id, start: key.key.slice(0, 9) }, client: { address: '127.0.0.7', userAgent: 'alerts-test/1.0' } });
  t.false(delivery!.raw.includes(key.key), 'never the secret');
  await getFrom('127.0.0.7', `${a.url}/v1/health`, auth);
  await getFrom('127.0.0.8', `${b.url}/v1/health`, auth);
  await receiver.waitFor(path, 1, (d) => ofEvent('api_key.new_client')(d) && d.body.payload.client.address === '127.0.0.8');
  await settle();
  const forKey = receiver.at(path).filter((d) => ofEvent('api_key.new_client')(d) && d.body.payload.apiKey.id === key.id);
  t.deepEqual(forKey.map((d) => d.body.payload.client.address).sort(), ['127.0.0.7', '127.0.0.8']);
});

test('api_key.rejected: a deactivated key presented again and again, on two instances, alerts once with its reason', async (t) => {
  const [a, b] = [await world.start(ENV), await world.start(ENV)];
  const account = await register(a);
  const path = '/rejected';
  await subscribe(a, account, path);
  const key = await createKey(a, account);
  await a.patch(`/v1/api_keys/${key.id}`, { auth: account.key, body: { active: false } });
  for (let i = 0; i < 3; i++) {
    for (const app of [a, b]) t.is((await app.get('/v1/health', { auth: key.key })).body.code, 'api_key_inactive');
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const [delivery] = await receiver.waitFor(path, 1, ofEvent('api_key.rejected'));
  t.like(delivery!.body.payload, { apiKey: { id: key.id, active: false }, reason: 'inactive' });
  await settle();
  t.is(receiver.at(path).filter(ofEvent('api_key.rejected')).length, 1);
});

test('organization.rate_limited: once per bucket window, with the limit and the reset time', async (t) => {
  const [a, b] = [await world.start(ENV), await world.start(ENV)];
  const account = await register(a);
  const path = '/rate-limited';
  await subscribe(a, account, path);
  await a.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 3, rateLimitDuration: 300 } });
  await a.deps.redis!.del(`${world.redisPrefix}rl:org:${account.orgId}`);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    for (const app of [a, b]) statuses.push((await app.get('/v1/health', { auth: account.key })).status);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  t.is(statuses.filter((s) => s === 429).length, 5);
  const [delivery] = await receiver.waitFor(path, 1, ofEvent('organization.rate_limited'));
  t.is(delivery!.body.payload.organizationId, account.orgId);
  t.is(delivery!.body.payload.limit, 3);
  const resetAt = Date.parse(delivery!.body.payload.resetAt);
  t.true(resetAt > Date.now() && resetAt <= Date.now() + 300_000);
  await settle();
  t.is(receiver.at(path).filter(ofEvent('organization.rate_limited')).length, 1);
});

test('the new events are accepted by POST /webhooks; unknown ones still are not', async (t) => {
  const app = await world.start(ENV);
  const account = await register(app);
  t.is((await app.post('/v1/webhooks', { auth: account.key, body: { url: receiver.url('/x'), events: EVENTS } })).status, 201);
  t.is((await app.post('/v1/webhooks', { auth: account.key, body: { url: receiver.url('/x'), events: ['api_key.used'] } })).status, 400);
});

test('organization.rate_limited again in the next bucket window, not before', async (t) => {
  const app = await world.start(ENV);
  const account = await register(app);
  const path = '/rate-limited-windows';
  await subscribe(app, account, path);
  t.is((await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 1, rateLimitDuration: 3 } })).status, 200);
  const exhaust = async () => {
    await app.deps.redis!.del(`${world.redisPrefix}rl:org:${account.orgId}`);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.get('/v1/health', { auth: account.key })).status);
    t.true(statuses.includes(429), JSON.stringify(statuses));
  };
  await exhaust();
  const [first] = await receiver.waitFor(path, 1, ofEvent('organization.rate_limited'));
  // Within the window: emptying the bucket again sends nothing.
  await exhaust();
  await settle();
  t.is(receiver.at(path).filter(ofEvent('organization.rate_limited')).length, 1);
  // After the window the alert is due again.
  const resetAt = Date.parse(first!.body.payload.resetAt);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, resetAt - Date.now()) + 200));
  await exhaust();
  const both = await receiver.waitFor(path, 2, ofEvent('organization.rate_limited'));
  t.true(Date.parse(both[1]!.body.payload.resetAt) > resetAt);
});
