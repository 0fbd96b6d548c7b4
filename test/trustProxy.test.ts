import test from 'ava';
import { API_KEY_PREFIX, generateSecret } from '../app/lib/credentials';
import { randomSuffix } from './helpers/services';
import { TestWorld, type TestApp } from './helpers/testApp';

// Behind a proxy every client shares the proxy's socket address. With
// TRUST_PROXY=n the client address is taken from the last n X-Forwarded-For entries, and every
// throttle keyed by address (failed authentications, login, registration) uses that one address.
let world: TestWorld;
test.before(async () => {
  world = await TestWorld.create();
});
test.after.always(() => world?.close());

const THROTTLE = { AUTH_FAIL_POINTS: '3', AUTH_FAIL_DURATION: '600', AUTH_FAIL_BLOCK: '600' };

/** A well-formed unknown key: a failed attempt for the address it comes from. */
const unknownKey = () => generateSecret(API_KEY_PREFIX);
const from = (address: string) => ({ 'x-forwarded-for': address });

async function lockOut(app: TestApp, headers: Record<string, string>) {
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await app.get('/v1/health', { auth: unknownKey(), headers })).status);
  return statuses;
}

test('TRUST_PROXY=1: two clients behind one proxy are throttled separately (failed authentications)', async (t) => {
  const app = await world.start({ ...THROTTLE, TRUST_PROXY: '1' });
  // The proxy appends the address it saw; what the client sent before it is not trusted.
  t.deepEqual(await lockOut(app, from('10.9.9.9, 198.51.100.1')), [401, 401, 401, 429, 429]);
  const other = await app.get('/v1/health', { auth: unknownKey(), headers: from('10.9.9.9, 198.51.100.2') });
  t.is(other.status, 401, 'another client behind the same proxy is not locked out');
  t.is(other.body.code, 'invalid_api_key');
  // A client cannot escape by forging the part of the header before the proxy's entry.
  const forged = await app.get('/v1/health', { auth: unknownKey(), headers: from('203.0.113.77, 198.51.100.1') });
  t.is(forged.status, 429);
});

test('TRUST_PROXY=1: registrations are counted per client address behind the proxy', async (t) => {
  const app = await world.start({ TRUST_PROXY: '1', REGISTER_LIMIT_POINTS: '1', REGISTER_LIMIT_DURATION: '600' });
  const body = () => ({ email: `p-${randomSuffix()}@example.test`, password: 'correct horse battery', first_name: 'P', last_name: 'X' });
  t.is((await app.post('/auth/register', { body: body(), headers: from('198.51.100.11') })).status, 201);
  t.is((await app.post('/auth/register', { body: body(), headers: from('198.51.100.11') })).status, 429);
  t.is((await app.post('/auth/register', { body: body(), headers: from('198.51.100.12') })).status, 201);
});

test('TRUST_PROXY=0 (default): a forged X-Forwarded-For changes nothing', async (t) => {
  const app = await world.start(THROTTLE);
  t.deepEqual(await lockOut(app, from('198.51.100.21')), [401, 401, 401, 429, 429]);
  for (const forged of ['198.51.100.22', '198.51.100.22, 198.51.100.23', '']) {
    const res = await app.get('/v1/health', { auth: unknownKey(), headers: forged ? from(forged) : {} });
    t.is(res.status, 429, `X-Forwarded-For: ${forged}`);
  }
  t.is(app.deps.config.trustProxy, 0);
});
