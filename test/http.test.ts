import test from 'ava';
import { connect } from 'node:net';
import { register, TestWorld, type TestApp } from './helpers/testApp';

let world: TestWorld;
let app: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start({ BODY_LIMIT: '64kb' });
});
test.after.always(() => world?.close());

test('every response carries X-Request-Id, errors repeat it', async (t) => {
  const res = await app.get('/nowhere');
  t.is(res.status, 404);
  t.is(res.body.code, 'not_found');
  t.regex(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  t.is(res.body.requestId, res.headers.get('x-request-id'));
  t.is((await app.get('/health')).headers.get('x-request-id')?.length, 36);
});

test('GET /health reports MySQL and Redis', async (t) => {
  const res = await app.get('/health');
  t.is(res.status, 200, JSON.stringify(res.body));
  t.deepEqual(res.body, { healthy: true, mysql: 'ok', redis: 'ok' });
});

test('invalid JSON is 400, another content type 415, an oversized body 413; nothing is stored', async (t) => {
  const account = await register(app);
  const bad = await app.post('/v1/api_keys', { auth: account.key, rawBody: '{"name": "x",', headers: { 'content-type': 'application/json' } });
  t.is(bad.status, 400);
  t.is(bad.body.code, 'invalid_json');
  const form = await app.post('/v1/api_keys', { auth: account.key, rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.is(form.status, 415);
  t.is(form.body.code, 'unsupported_media_type');
  const big = await app.post('/v1/api_keys', { auth: account.key, body: { name: 'x'.repeat(70_000) } });
  t.is(big.status, 413);
  t.is(big.body.code, 'payload_too_large');
  const scalar = await app.post('/v1/api_keys', { auth: account.key, rawBody: '"just a string"', headers: { 'content-type': 'application/json' } });
  t.is(scalar.status, 400);
  t.is((await app.get('/v1/api_keys', { auth: account.key })).body.length, 1);
});

test('a wrong method is 405 with the envelope', async (t) => {
  const account = await register(app);
  const res = await app.request('PUT', '/v1/api_keys', { auth: account.key, body: {} });
  t.is(res.status, 405);
  t.is(res.body.code, 'method_not_allowed');
});

test('request headers over 16 KB get 431 with the envelope', async (t) => {
  const { port } = new URL(app.url);
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  t.regex(raw, /^HTTP\/1\.1 431 /);
  t.regex(raw, /"code":"headers_too_large"/);
});
