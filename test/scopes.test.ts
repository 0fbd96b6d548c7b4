import test from 'ava';
import { createApp } from '../app/app';
import { SCOPES, type Scope } from '../app/domain/scopes';
import { declaredScope, NO_SCOPE, type RouteScope } from '../app/http/requireScope';
import { register, TestWorld, type Account, type TestApp } from './helpers/testApp';

// Generated from the /v1 route table: every route the router serves must declare its scope, and
// is called with a key lacking that scope (403 insufficient_scope naming it) and with a key holding
// only that scope (2xx). A new route passes only once it declares a scope and can be called; a
// route needing a body to succeed gets one in BODIES.
let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  // Webhook targets on loopback, and enough send budget for every route's fixture.
  // Domains: a key to seal theirs with, and a resolver that answers nothing at once (verify then
  // changes no status and answers 200) so no lookup leaves the machine.
  app = await world.start({ WEBHOOK_ALLOW_PRIVATE: 'true', SEND_LIMIT_POINTS: '1000', RATE_LIMIT_POINTS: '100000', SECRETS_KEY: '11'.repeat(32), DNS_SERVERS: '127.0.0.1:9' });
});
test.after.always(() => world?.close());

interface V1Route {
  method: string;
  path: string;
  scope: RouteScope | undefined;
}

function v1Routes(): V1Route[] {
  const v1 = createApp(app.deps).routers[0]!;
  const routes: V1Route[] = [];
  for (const layer of v1.stack) {
    for (const method of layer.methods) {
      if (method !== 'HEAD') routes.push({ method, path: String(layer.path), scope: declaredScope(layer as unknown as { stack: unknown[] }) });
    }
  }
  return routes;
}

/** Bodies the routes that need one succeed with; `scope` is the scope under test. */
const BODIES: Record<string, (scope: RouteScope) => unknown> = {
  'POST /v1/api_keys': (scope) => ({ name: 'made by a scoped key', scopes: [scope] }),
  'PATCH /v1/api_keys/:id': () => ({ name: 'renamed by a scoped key' }),
  'POST /v1/api_keys/:id/roll': () => ({ graceSeconds: 0 }),
  'POST /v1/inboxes': () => ({ name: 'scoped' }),
  'PATCH /v1/inboxes/:inboxId': () => ({ name: 'renamed' }),
  'POST /v1/inboxes/:inboxId/messages/send': () => ({ to: ['someone@example.test'], subject: 'Scopes', text: 'hello' }),
  'POST /v1/inboxes/:inboxId/messages/:messageId/reply': () => ({ text: 'a reply' }),
  'POST /v1/webhooks': () => ({ url: 'http://127.0.0.1:9/scoped', events: ['message.sent'] }),
  'POST /v1/domains': () => ({ name: `scoped-${Math.random().toString(36).slice(2)}.example.test` }),
};

/** Query strings the routes that need one succeed with (appended to the path, e.g. '?granularity=hour'). */
const QUERIES: Record<string, string> = {};

// Sent messages keep no attachment content (only received ones do, test/inbound.test.ts reads one
// with a key), so here the key holding only the route's scope gets past the scope check to the
// route's own 404 for attachment 0 of a sent message: not_found, never insufficient_scope.
const NOT_FOUND_PAST_THE_SCOPE = new Set(['GET /v1/inboxes/:inboxId/messages/:messageId/attachments/:index']);

/** Fresh resources of the account for one route (deletes and rolls use them up), by path parameter. */
async function fixtures(account: Account, scope: RouteScope): Promise<Record<string, string>> {
  const auth = account.key;
  const key = await app.post('/v1/api_keys', { auth, body: { name: 'target', scopes: [scope === NO_SCOPE ? 'api_keys:read' : scope] } });
  const inbox = await app.post('/v1/inboxes', { auth, body: { name: 'fixture' } });
  const message = await app.post(`/v1/inboxes/${inbox.body.id}/messages/send`, { auth, body: { to: ['fixture@example.test'], subject: 'Fixture', text: 'x' } });
  // Webhooks only for the webhook routes: an organization holds at most 20 (docs/reliability.md).
  const webhook = scope.startsWith('webhooks:') ? await app.post('/v1/webhooks', { auth, body: { url: 'http://127.0.0.1:9/fixture', events: ['message.sent'] } }) : null;
  // Domains likewise: each costs a key pair.
  const domain = scope.startsWith('domains:') ? await app.post('/v1/domains', { auth, body: { name: `fixture-${Math.random().toString(36).slice(2)}.example.test` } }) : null;
  for (const r of [key, inbox, message, ...(webhook ? [webhook] : []), ...(domain ? [domain] : [])]) if (r.status !== 201) throw new Error(`fixture: ${r.status} ${JSON.stringify(r.body)}`);
  return {
    keyId: key.body.id,
    inboxId: inbox.body.id,
    messageId: message.body.id,
    threadId: message.body.threadId,
    index: '0',
    ...(webhook ? { webhookId: webhook.body.id } : {}),
    ...(domain ? { domain: domain.body.name } : {}),
  };
}

function fill(path: string, ids: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    if (name === 'id') return path.startsWith('/v1/webhooks') ? ids.webhookId! : ids.keyId!;
    const id = ids[name];
    if (!id) throw new Error(`no fixture for :${name} in ${path}: add one to fixtures()`);
    return id;
  });
}

async function keyWith(account: Account, scopes: readonly string[]): Promise<string> {
  const res = await app.post(`/organizations/${account.orgId}/api_keys`, { auth: account.token, body: { name: scopes.join(' ') || 'none', scopes } });
  if (res.status !== 201) throw new Error(`keyWith: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key;
}

test('every /v1 route declares its scope (requireScope) and there are routes for every scope but usage:read', (t) => {
  const routes = v1Routes();
  t.true(routes.length >= 24, `the walk found the /v1 routes (${routes.length})`);
  for (const route of routes) t.not(route.scope, undefined, `${route.method} ${route.path} declares no scope: add requireScope(...) as its first middleware`);
  const used = new Set(routes.map((r) => r.scope));
  for (const scope of SCOPES.filter((s) => s !== 'usage:read')) t.true(used.has(scope), `some route needs ${scope}`);
  t.is(routes.find((r) => r.path === '/v1/health')?.scope, NO_SCOPE);
});

test('every scoped /v1 route refuses a key lacking its scope with 403 insufficient_scope, and changes nothing', async (t) => {
  const account = await register(app);
  const scoped = v1Routes().filter((r) => r.scope !== NO_SCOPE && r.scope !== undefined);
  for (const route of scoped) {
    const scope = route.scope as Scope;
    const lacking = await keyWith(account, SCOPES.filter((s) => s !== scope));
    const ids = await fixtures(account, scope);
    const where = `${route.method} ${route.path}`;
    const res = await app.request(route.method, fill(route.path, ids), { auth: lacking, body: BODIES[`${route.method} ${route.path}`]?.(scope) });
    t.is(res.status, 403, where);
    t.is(res.body.code, 'insufficient_scope', where);
    t.deepEqual(res.body.details, { required: scope }, where);
    t.truthy(res.headers.get('ratelimit-remaining'), `${where}: the refusal was counted against the bucket`);
  }
  // The refusals changed nothing: every fixture is still there, unrenamed and unrolled.
  const n = scoped.length;
  const keys = (await app.get('/v1/api_keys?limit=100', { auth: account.key })).body as { name: string; rolledTo: string | null }[];
  t.is(keys.length, 1 + 2 * n, 'the default key, and a lacking key and a target key per route');
  t.is(keys.filter((k) => k.name === 'target').length, n);
  t.true(keys.every((k) => k.rolledTo === null));
  t.is((await app.get('/v1/inboxes?limit=100', { auth: account.key })).body.filter((i: { name?: string }) => i.name === 'fixture').length, n);
  t.is((await app.get('/v1/webhooks?limit=100', { auth: account.key })).body.length, scoped.filter((r) => r.scope!.startsWith('webhooks:')).length);
});

test('every /v1 route answers 2xx to a key holding only its scope', async (t) => {
  const account = await register(app);
  for (const route of v1Routes().filter((r) => r.scope !== undefined)) {
    const scope = route.scope!;
    const only = await keyWith(account, scope === NO_SCOPE ? ['usage:read'] : [scope]);
    const ids = await fixtures(account, scope);
    const name = `${route.method} ${route.path}`;
    const res = await app.request(route.method, fill(route.path, ids) + (QUERIES[name] ?? ''), { auth: only, body: BODIES[name]?.(scope) });
    const passed = NOT_FOUND_PAST_THE_SCOPE.has(name) ? res.status === 404 && res.body?.code === 'not_found' : res.status >= 200 && res.status < 300;
    t.true(passed, `${route.method} ${route.path} with only ${scope}: ${res.status} ${JSON.stringify(res.body)}`);
  }
});

test('an access token is bound by no scope: it may create a key with any scopes and inboxes', async (t) => {
  const account = await register(app);
  const inbox = await app.post('/v1/inboxes', { auth: account.key, body: { name: 'restricted' } });
  const res = await app.post(`/organizations/${account.orgId}/api_keys`, { auth: account.token, body: { name: 'any', scopes: ['*'], inboxIds: [inbox.body.id] } });
  t.is(res.status, 201);
  t.deepEqual(res.body.scopes, ['*']);
  t.deepEqual(res.body.inboxIds, [inbox.body.id]);
  t.is((await app.get(`/organizations/${account.orgId}/webhooks`, { auth: account.token })).status, 200);
});

test('scopes and inboxIds are validated: unknown scope, "*" with others, repeats, empty lists, another organization\'s inbox', async (t) => {
  const account = await register(app);
  const other = await register(app);
  const foreign = (await app.get('/v1/inboxes', { auth: other.key })).body[0].id as string;
  for (const body of [
    { name: 'x', scopes: ['mail:everything'] },
    { name: 'x', scopes: ['*', 'inboxes:read'] },
    { name: 'x', scopes: ['inboxes:read', 'inboxes:read'] },
    { name: 'x', scopes: [] },
    { name: 'x', inboxIds: [] },
    { name: 'x', inboxIds: ['nope'] },
    { name: 'x', inboxIds: [foreign] },
  ]) {
    const res = await app.post('/v1/api_keys', { auth: account.key, body });
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.code, 'validation_failed');
  }
  const keys = await app.get('/v1/api_keys', { auth: account.key });
  t.is(keys.body.length, 1, 'nothing was created');
});

test('the default key and keys made without scopes hold ["*"] and no inbox restriction', async (t) => {
  const account = await register(app);
  const made = await app.post('/v1/api_keys', { auth: account.key, body: { name: 'plain' } });
  t.deepEqual(made.body.scopes, ['*']);
  t.is(made.body.inboxIds, null);
  const own = await app.get(`/v1/api_keys/${account.keyId}`, { auth: account.key });
  t.like(own.body, { scopes: ['*'], inboxIds: null, rolledTo: null, rolledFrom: null });
});
