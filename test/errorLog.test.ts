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

// `curl -X PURGE /health` must be a 501 in the envelope, not a 500 with a stack in the error log.
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

// No secret in the error log: the renderer logs the error of every 5xx, and knex puts the SQL
// with its bound values into the error's message (mysql2 adds them again as `sql`). Each case below makes the
// database refuse an insert that carries a secret, by giving the test database's own table a
// column without a default, and reads the real log.
async function poisoned<T>(table: string, run: () => Promise<T>): Promise<T> {
  await app.deps.knex.raw('ALTER TABLE ?? ADD COLUMN poison INT NOT NULL', [table]);
  try {
    return await run();
  } finally {
    await app.deps.knex.raw('ALTER TABLE ?? DROP COLUMN poison', [table]);
  }
}

test.serial('a database error creating a webhook is logged without the webhook secret or the URL', async (t) => {
  const account = await register(app);
  const before = log.raw.length;
  const url = 'https://hooks.example.com/in?token=tok-4f1c9e';
  const res = await poisoned('webhooks', () => app.post('/v1/webhooks', { auth: account.key, body: { url, events: ['inbox.created'] } }));
  t.is(res.status, 500);
  const lines = log.raw.slice(before).join('');
  const [entry] = log.atLeast(50).filter((l) => l.requestId === res.body.requestId);
  t.truthy(entry, 'the 5xx is logged');
  t.regex(JSON.stringify(entry), /insert into `webhooks`/, 'the statement (without values) is still there to debug');
  t.regex(JSON.stringify(entry), /poison/, "the database's reason is still there");
  t.false(lines.includes('whsec_'), lines);
  t.false(lines.includes('tok-4f1c9e'), lines);
});

test.serial('a database error during registration is logged without the password hash', async (t) => {
  const before = log.raw.length;
  const email = `poison-${Date.now()}@example.test`;
  const res = await poisoned('users', () =>
    app.post('/auth/register', { body: { email, password: 'correct horse battery', first_name: 'Pat', last_name: 'Hash' } }),
  );
  t.is(res.status, 500);
  const lines = log.raw.slice(before).join('');
  t.true(log.atLeast(50).some((l) => l.requestId === res.body.requestId));
  t.false(/\$2[aby]\$/.test(lines), lines);
  t.false(lines.includes(email), lines);
});

test.serial('a database error during a send is logged without the message body', async (t) => {
  const account = await register(app);
  const [inbox] = (await app.get('/v1/inboxes', { auth: account.key })).body;
  const before = log.raw.length;
  const text = 'the quarterly numbers are 7731';
  const res = await poisoned('messages', () =>
    app.post(`/v1/inboxes/${inbox.id}/messages/send`, { auth: account.key, body: { to: ['someone@example.test'], subject: 'Q3 private', text } }),
  );
  t.is(res.status, 500);
  const lines = log.raw.slice(before).join('');
  t.true(log.atLeast(50).some((l) => l.requestId === res.body.requestId));
  t.false(lines.includes(text), lines);
  t.false(lines.includes('Q3 private'), lines);
  t.false(lines.includes('someone@example.test'), lines);
});
