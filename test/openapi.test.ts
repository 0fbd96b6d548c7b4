import test from 'ava';
import { z } from 'zod';
import { createApp } from '../app/app';
import { ERRORS } from '../app/errors';
import { buildOpenApiDocument } from '../app/openapi/document';
import { apiKeyObject, createdApiKeyObject, errorEnvelope, keyHealth, organizationObject, registration, serverHealth, userWithOrganizations } from '../app/openapi/objects';
import { routeScopes } from '../app/openapi/routeScopes';
import { routeCatalogue } from '../app/openapi/routes';
import { register, TestWorld, type TestApp } from './helpers/testApp';

let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start();
});
test.after.always(() => world?.close());

const METHODS = ['get', 'post', 'patch', 'delete', 'put'];

/** The document as the app serves it: with the scopes the /v1 routes declare. */
const buildDocument = () => buildOpenApiDocument(undefined, routeScopes(createApp(app.deps).routers[0]!));

/** METHOD /path for every route the real app's routers serve, /v1 pipeline included (HEAD is implied by GET). */
function servedRoutes(): string[] {
  const served = new Set<string>();
  for (const router of createApp(app.deps).routers) {
    for (const layer of router.stack) {
      for (const method of layer.methods) if (method !== 'HEAD') served.add(`${method} ${String(layer.path)}`);
    }
  }
  return [...served].sort();
}

const documented = (doc: ReturnType<typeof buildOpenApiDocument>) =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    .sort();

test('the document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator), $refs included', async (t) => {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const validator = new Validator();
  const result = await validator.validate(buildDocument());
  t.deepEqual(result.errors ?? [], []);
  t.true(result.valid);
  t.is(validator.version, '3.1');
  t.notThrows(() => validator.resolveRefs());
});

test('it lists exactly the routes the routers serve: the catalogue, the document and the router stacks agree', (t) => {
  const served = servedRoutes();
  t.true(served.includes('GET /v1/api_keys/:id') && served.includes('DELETE /organizations/:orgId/api_keys/:id'), 'the walk reaches the /v1 and the mounted routers');
  t.deepEqual(routeCatalogue.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort(), served);
  t.deepEqual(documented(buildDocument()), served);
});

test('GET /openapi.json is public and serves the document', async (t) => {
  const res = await app.get('/openapi.json');
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^application\/json/);
  t.deepEqual(res.body, JSON.parse(JSON.stringify(buildDocument())));
  t.is(res.body.openapi, '3.1.0');
});

test('both security schemes, the error envelope and the rate-limit headers are described', (t) => {
  const doc = buildDocument() as any;
  t.like(doc.components.securitySchemes, { apiKey: { type: 'http', scheme: 'bearer' }, accessToken: { type: 'http', scheme: 'bearer' } });
  t.deepEqual(doc.components.schemas.Error.properties.code.enum, Object.keys(ERRORS));
  t.deepEqual(doc.components.schemas.Error.required, ['error', 'code', 'requestId']);

  for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const where = `${method} ${path}`;
      const expected = path.startsWith('/v1/') ? 'apiKey' : path.startsWith('/organizations') || path === '/auth/user' || path === '/auth/logout' ? 'accessToken' : null;
      const scopes = expected === 'apiKey' && op['x-required-scope'] ? [op['x-required-scope']] : [];
      t.deepEqual(op.security, expected ? [{ [expected]: scopes }] : [], where);
      if (expected === 'apiKey') t.true('x-required-scope' in op, `${where} names its scope`);
      for (const [status, response] of Object.entries<any>(op.responses)) {
        t.truthy(response.headers['X-Request-Id'], `${where} ${status}`);
        if (Number(status) >= 400 && path !== '/health') t.deepEqual(response.content['application/json'].schema, { $ref: '#/components/schemas/Error' });
      }
      if (expected === 'apiKey') {
        for (const header of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy']) t.truthy(op.responses['200']?.headers[header] ?? op.responses['201']?.headers[header], `${where} ${header}`);
        t.truthy(op.responses['429'].headers['Retry-After'], where);
        t.regex(op.responses['429'].description, /rate_limited/);
        t.regex(op.responses['401'].description, /invalid_api_key/);
      }
    }
  }
});

test('request schemas are the routes\' own zod schemas, converted', (t) => {
  const doc = buildDocument() as any;
  for (const route of routeCatalogue.filter((r) => r.body)) {
    const { $schema: _, ...expected } = z.toJSONSchema(route.body!, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    t.deepEqual(doc.paths[route.path.replace(/:(\w+)/g, '{$1}')][route.method].requestBody.content['application/json'].schema, expected, route.path);
  }
  const create = doc.paths['/v1/api_keys'].post.requestBody.content['application/json'].schema;
  t.deepEqual(create.required, ['name']);
  t.false(create.additionalProperties);
});

test('real responses match the documented objects', async (t) => {
  const matches = (schema: z.ZodType, body: unknown, what: string) => t.notThrows(() => schema.parse(body), what);
  const email = `doc-${Date.now()}@example.test`;
  matches(registration, (await app.post('/auth/register', { body: { email, password: 'openapi password', first_name: 'Open', last_name: 'Api' } })).body, 'register');
  const account = await register(app);
  matches(serverHealth, (await app.get('/health')).body, '/health');
  matches(keyHealth, (await app.get('/v1/health', { auth: account.key })).body, '/v1/health');
  matches(createdApiKeyObject, (await app.post('/v1/api_keys', { auth: account.key, body: { name: 'documented' } })).body, 'POST /v1/api_keys');
  matches(z.array(apiKeyObject), (await app.get('/v1/api_keys', { auth: account.key })).body, 'GET /v1/api_keys');
  matches(userWithOrganizations, (await app.get('/auth/user', { auth: account.token })).body, '/auth/user');
  matches(organizationObject, (await app.get(`/organizations/${account.orgId}`, { auth: account.token })).body, '/organizations/:orgId');
  const invalid = await app.post('/v1/api_keys', { auth: account.key, body: { nope: 1 } });
  t.is(invalid.status, 400);
  matches(errorEnvelope, invalid.body, 'a validation error');
});

test('each /v1 operation names the scope its route declares, in x-required-scope and its security requirement', (t) => {
  const doc = buildDocument() as any;
  t.deepEqual(doc.paths['/v1/inboxes'].get.security, [{ apiKey: ['inboxes:read'] }]);
  t.is(doc.paths['/v1/inboxes/{inboxId}/messages/send'].post['x-required-scope'], 'messages:send');
  t.is(doc.paths['/v1/api_keys/{id}/roll'].post['x-required-scope'], 'api_keys:write');
  t.regex(doc.paths['/v1/api_keys/{id}/roll'].post.responses['403'].description, /insufficient_scope/);
  t.is(doc.paths['/v1/health'].get['x-required-scope'], null, 'GET /v1/health needs none');
  t.deepEqual(doc.paths['/v1/health'].get.security, [{ apiKey: [] }]);
  t.false('403' in doc.paths['/v1/health'].get.responses);
  // The token mount is bound by membership, not scopes.
  t.false('x-required-scope' in doc.paths['/organizations/{orgId}/inboxes'].get);
  t.deepEqual(doc.paths['/organizations/{orgId}/inboxes'].get.security, [{ accessToken: [] }]);
});

test('a roll and a 403 insufficient_scope match the documented objects', async (t) => {
  const account = await register(app);
  const rolled = await app.post(`/v1/api_keys/${account.keyId}/roll`, { auth: account.key, body: { graceSeconds: 60 } });
  t.notThrows(() => createdApiKeyObject.parse(rolled.body));
  const old = await app.get(`/v1/api_keys/${account.keyId}`, { auth: rolled.body.key });
  t.notThrows(() => apiKeyObject.parse(old.body));
  const narrow = await app.post('/v1/api_keys', { auth: rolled.body.key, body: { name: 'narrow', scopes: ['usage:read'] } });
  const refused = await app.get('/v1/inboxes', { auth: narrow.body.key });
  t.is(refused.status, 403);
  t.notThrows(() => errorEnvelope.parse(refused.body));
});

test('insufficient_scope is documented on /v1 operations only: a token is bound by no scope', (t) => {
  const doc = buildDocument() as any;
  t.regex(doc.paths['/v1/api_keys'].post.responses['403'].description, /insufficient_scope/);
  t.false('403' in doc.paths['/organizations/{orgId}/api_keys'].post.responses);
  t.false('403' in doc.paths['/organizations/{orgId}/api_keys/{id}/roll'].post.responses);
});

test('every POST of an organization (under /v1 and /organizations/{orgId}) lists Idempotency-Key and its answers; nothing else does', (t) => {
  const doc = buildDocument() as any;
  t.like(doc.components.parameters['Idempotency-Key'], { in: 'header', required: false, schema: { minLength: 1, maxLength: 255 } });
  let posts = 0;
  for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const where = `${method} ${path}`;
      const listed = op.parameters.some((p: { $ref?: string }) => p.$ref === '#/components/parameters/Idempotency-Key');
      const expected = method === 'post' && (path.startsWith('/v1/') || path.startsWith('/organizations/{orgId}/'));
      t.is(listed, expected, where);
      if (!expected) continue;
      posts++;
      t.regex(op.responses['422'].description, /idempotency_key_reused/, where);
      t.regex(op.responses['409'].description, /idempotency_in_progress/, where);
      t.truthy(op.responses['409'].headers['Retry-After'], where);
      const success = op.responses['201'] ?? op.responses['200'];
      t.truthy(success.headers['Idempotent-Replayed'], where);
    }
  }
  t.true(posts >= 10, `${posts} POST operations`);
});
