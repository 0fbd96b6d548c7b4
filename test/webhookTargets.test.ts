import test from 'ava';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { isPrivateAddress } from '../app/lib/privateAddress';
import { postBody } from '../app/lib/httpPost';
import { TARGET_REFUSED, WebhookTargetGuard } from '../app/services/webhookTargets';
import { eventually } from './helpers/eventually';
import { register, TestWorld, type TestApp } from './helpers/testApp';
import { WebhookReceiver } from './helpers/webhookReceiver';

// A world of its own: every instance on one Redis prefix works the same delivery queue, so an
// instance that refuses private targets must not share a queue with ones that allow them.
//
// Tests in this file run one at a time (test.serial): each still seeds its own organization, but
// a burst of concurrent registrations opens many MySQL connections at once, which a small shared
// machine answers slowly enough to trip the 2 s connect deadline. Files still run in parallel.
let world: TestWorld;
let strict: TestApp;
let receiver: WebhookReceiver;
test.before(async () => {
  world = await TestWorld.create();
  receiver = await WebhookReceiver.start();
  strict = await world.start({ WEBHOOK_ALLOW_PRIVATE: 'false', WEBHOOK_BACKOFF_MS: '50', WEBHOOK_MAX_ATTEMPTS: '3' });
});
test.after.always(async () => {
  await world?.close();
  await receiver?.close();
});

test.serial('creation refuses literal private, loopback and link-local targets and localhost names', async (t) => {
  const account = await register(strict);
  const refused = [
    'http://127.0.0.1:9/x',
    'http://localhost/x',
    'http://api.localhost./x',
    'http://[::1]/x',
    'http://10.1.2.3/',
    'http://169.254.169.254/latest/meta-data',
    'http://192.168.1.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fd00::1]/',
    'http://0.0.0.0/',
    // IPv4 hidden in IPv6 literals.
    'http://[::7f00:1]/',
    'http://[::ffff:0:127.0.0.1]/',
    'http://[64:ff9b::a00:1]/',
    'http://[64:ff9b:1::7f00:1]/',
  ];
  for (const url of refused) {
    const res = await strict.post('/v1/webhooks', { auth: account.key, body: { url, events: ['inbox.created'] } });
    t.is(res.status, 400, url);
    t.is(res.body.details[0].path, 'url');
    t.regex(res.body.details[0].message, /private/);
  }
  const ok = await strict.post('/v1/webhooks', { auth: account.key, body: { url: 'https://hooks.example.com/x', events: ['inbox.created'] } });
  t.is(ok.status, 201);
  t.is((await strict.get('/v1/webhooks', { auth: account.key })).body.length, 1);
});

test.serial('a name that resolves to a private address is refused at delivery, recorded once, not retried', async (t) => {
  // The machine's own name resolves to a loopback or private address on most hosts; where it
  // does not, this case cannot be shown here (the guard's unit tests below still cover it).
  const name = hostname();
  const resolved = await lookup(name, { all: true }).catch(() => []);
  if (resolved.length === 0 || !resolved.every((a) => isPrivateAddress(a.address))) {
    t.log(`${name} does not resolve to private addresses only; skipped`);
    return t.pass();
  }
  const account = await register(strict);
  const port = new URL(receiver.base).port;
  const created = await strict.post('/v1/webhooks', { auth: account.key, body: { url: `http://${name}:${port}/by-name`, events: ['inbox.created'] } });
  t.is(created.status, 201);
  await strict.post('/v1/inboxes', { auth: account.key, body: {} });
  const attempts = await eventually(async () => {
    const res = await strict.get(`/v1/webhooks/${created.body.id}/attempts`, { auth: account.key });
    return res.body.length > 0 ? res.body : undefined;
  });
  t.is(attempts[0].success, false);
  t.is(attempts[0].status, null);
  t.is(attempts[0].nextAttemptAt, null, 'a refused target is not retried');
  t.regex(attempts[0].error, /resolves to .* private/);
  // The attempt (stored and returned to the client) must not map internal DNS.
  for (const a of resolved) t.false(attempts[0].error.includes(a.address), `attempt error names ${a.address}`);
  await new Promise((r) => setTimeout(r, 400));
  t.is((await strict.get(`/v1/webhooks/${created.body.id}/attempts`, { auth: account.key })).body.length, 1);
  t.is(receiver.at('/by-name').length, 0);
});

test.serial('the guard checks every resolved address, through the lookup the connection itself uses', async (t) => {
  const fakeDns = (addresses: Array<{ address: string; family: number }>) =>
    ((_host: string, _options: unknown, callback: (err: null, a: typeof addresses) => void) => callback(null, addresses)) as never;
  const mixed = new WebhookTargetGuard(false, fakeDns([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }]));
  const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => mixed.lookup('rebind.example', {}, (e) => resolve(e)));
  t.is(err?.code, TARGET_REFUSED);
  const publicOnly = new WebhookTargetGuard(false, fakeDns([{ address: '93.184.216.34', family: 4 }]));
  const address = await new Promise<unknown>((resolve) => publicOnly.lookup('ok.example', {}, (_e, a) => resolve(a)));
  t.is(address, '93.184.216.34');
  const all = await new Promise<unknown>((resolve) => publicOnly.lookup('ok.example', { all: true }, (_e, a) => resolve(a)));
  t.deepEqual(all, [{ address: '93.184.216.34', family: 4 }]);

  // A real connection by name: refused before any byte is sent, allowed with the setting.
  const url = new URL(receiver.url('/guarded').replace('127.0.0.1', 'localhost'));
  const refused = await postBody(url, '{}', {}, { timeoutMs: 1000, lookup: new WebhookTargetGuard(false).lookup }).catch((e: NodeJS.ErrnoException) => e.code);
  t.is(refused, TARGET_REFUSED);
  t.is(receiver.at('/guarded').length, 0);
  t.is(await postBody(url, '{}', {}, { timeoutMs: 1000, lookup: new WebhookTargetGuard(true).lookup }), 200);
  t.is(receiver.at('/guarded').length, 1);
});

// What a name resolves to is internal DNS; the attempt log (returned by
// GET /v1/webhooks/:id/attempts) says only that the target is private.
test.serial('a refusal at delivery says the target is private, never the address it resolves to', async (t) => {
  const fakeDns = ((_host: string, _options: unknown, callback: (err: null, a: unknown) => void) =>
    callback(null, [{ address: '10.20.30.40', family: 4 }, { address: 'fd12:3456::9', family: 6 }])) as never;
  const guard = new WebhookTargetGuard(false, fakeDns);
  const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => guard.lookup('intranet.example', {}, (e) => resolve(e)));
  t.is(err?.code, TARGET_REFUSED);
  t.regex(err?.message ?? '', /intranet\.example .*private/);
  t.false(err?.message.includes('10.20.30.40'));
  t.false(err?.message.includes('fd12'));
});
