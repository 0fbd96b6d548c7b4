import test from 'ava';
import { LogCapture } from './helpers/logCapture';
import { register, TestWorld, type TestApp } from './helpers/testApp';

// What reaches the error log, read from the real logger of a real instance.
let world: TestWorld;
let app: TestApp;
const log = new LogCapture();
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start({ LOG_LEVEL: 'warn' }, log);
});
test.after.always(() => world?.close());

// Issue 13 item 3: `curl -X PURGE /health` was a 500 with a stack in the error log.
test.serial('an unknown HTTP method is 501 in the error envelope, on every router, and is not logged as an error', async (t) => {
  const account = await register(app);
  const before = log.atLeast(50).length;
  for (const [path, auth] of [
    ['/health', undefined],
    ['/auth/user', undefined],
    ['/organizations', undefined],
    ['/openapi.json', undefined],
    ['/v1/health', account.key],
    ['/v1/api_keys', account.key],
  ] as const) {
    const res = await app.request('PURGE', path, { auth });
    t.is(res.status, 501, path);
    t.is(res.body.code, 'not_implemented', path);
    t.is(res.body.requestId, res.headers.get('x-request-id'), path);
  }
  // A known method the route does not have stays a 405.
  const del = await app.delete('/health');
  t.is(del.status, 405);
  t.is(del.body.code, 'method_not_allowed');
  t.is(log.atLeast(50).length, before, log.text());
});
