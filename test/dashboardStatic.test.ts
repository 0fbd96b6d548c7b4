import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import Koa from 'koa';
import pino from 'pino';
import { errorRenderer } from '../app/middleware/errorRenderer';
import { requestId } from '../app/middleware/requestId';
import { DASHBOARD_CSP, dashboard, defaultDashboardRoot, sizeInBytes } from '../app/routes/dashboard';

// The static side of app/routes/dashboard.ts on a fake build, without a browser or a database.

const INDEX = '<!doctype html><title>dashboard</title><script type="module" src="/dashboard/assets/index-abc123.js"></script>';
let folder: string;
const servers: Server[] = [];

test.before(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'sendook-dashboard-'));
  await mkdir(path.join(folder, 'built', 'assets'), { recursive: true });
  await writeFile(path.join(folder, 'built', 'index.html'), INDEX);
  await writeFile(path.join(folder, 'built', 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(path.join(folder, 'built', 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(path.join(folder, 'built', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(folder, 'secret.txt'), 'outside the root');
  await mkdir(path.join(folder, 'empty'));
});
test.after.always(async () => {
  for (const server of servers) server.close();
  await rm(folder, { recursive: true, force: true });
});

/** The dashboard middleware between the app's real error renderer and a 404 for the rest. */
async function serve(root: string): Promise<string> {
  const app = new Koa();
  app.use(requestId());
  app.use(errorRenderer(pino({ level: 'silent' })));
  app.use(dashboard({ root }));
  const server = createServer(app.callback());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const built = () => serve(path.join(folder, 'built'));
const envelope = (res: Response) => res.json() as Promise<{ error: string; code: string; requestId: string }>;

function assertSecurityHeaders(t: import('ava').ExecutionContext, res: Response) {
  t.is(res.headers.get('content-security-policy'), DASHBOARD_CSP);
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
  t.is(res.headers.get('referrer-policy'), 'no-referrer');
  t.is(res.headers.get('x-frame-options'), 'DENY');
}

test('the CSP allows scripts from this origin only, and markup only through the mail policy', (t) => {
  const directives = new Map(DASHBOARD_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
  t.is(directives.get('default-src'), "'none'");
  t.is(directives.get('script-src'), "'self'");
  // Inline styles and remote images for HTML mail, whose sandboxed frame inherits this policy.
  t.is(directives.get('style-src'), "'self' 'unsafe-inline'");
  t.is(directives.get('img-src'), "'self' data: http: https:");
  t.is(directives.get('connect-src'), "'self'");
  t.is(directives.get('frame-ancestors'), "'none'");
  t.is(directives.get('object-src'), "'none'");
  t.is(directives.get('base-uri'), "'none'");
  t.is(directives.get('require-trusted-types-for'), "'script'");
  t.is(directives.get('trusted-types'), 'sendook-mail');
  t.is(DASHBOARD_CSP.match(/unsafe-/g)?.length, 1, 'unsafe-inline in style-src only');
  t.false(DASHBOARD_CSP.includes('unsafe-eval'));
});

test('/dashboard/limits.json tells the dashboard the sizes the API accepts', async (t) => {
  const app = new Koa();
  app.use(dashboard({ root: path.join(folder, 'built'), limits: { attachmentsMaxBytes: 1234, requestBodyMaxBytes: 5678 } }));
  const server = createServer(app.callback());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard/limits.json`);
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { attachmentsMaxBytes: 1234, requestBodyMaxBytes: 5678 });
  t.is(sizeInBytes('1mb'), 1_048_576);
  t.is(sizeInBytes('512kb'), 524_288);
});

test('/dashboard and /dashboard/ answer index.html with the security headers, revalidated each time', async (t) => {
  const url = await built();
  for (const p of ['/dashboard', '/dashboard/', '/dashboard/index.html']) {
    const res = await fetch(url + p);
    t.is(res.status, 200, p);
    t.is(res.headers.get('content-type'), 'text/html; charset=utf-8');
    t.is(res.headers.get('cache-control'), 'no-cache');
    assertSecurityHeaders(t, res);
    t.is(await res.text(), INDEX);
  }
});

test('the app routes fall back to index.html so a reload works', async (t) => {
  const url = await built();
  for (const p of ['/dashboard/login', '/dashboard/organizations/0123/settings/api-keys']) {
    const res = await fetch(url + p);
    t.is(res.status, 200, p);
    t.is(await res.text(), INDEX);
  }
});

test('hashed assets have their content type and a year of immutable caching; ETags give 304', async (t) => {
  const url = await built();
  const js = await fetch(`${url}/dashboard/assets/index-abc123.js`);
  t.is(js.status, 200);
  t.is(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  t.is(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.is(js.headers.get('content-length'), '14');
  assertSecurityHeaders(t, js);
  const css = await fetch(`${url}/dashboard/assets/index-abc123.css`);
  t.is(css.headers.get('content-type'), 'text/css; charset=utf-8');
  const svg = await fetch(`${url}/dashboard/favicon.svg`);
  t.is(svg.headers.get('content-type'), 'image/svg+xml');
  t.is(svg.headers.get('cache-control'), 'public, max-age=3600');

  const first = await fetch(`${url}/dashboard/`);
  // As a browser revalidates (fetch() would add `Cache-Control: no-cache`, which forbids a 304).
  const headers = { 'if-none-match': first.headers.get('etag')!, 'cache-control': 'max-age=0' };
  const again = await fetch(`${url}/dashboard/`, { headers });
  t.is(again.status, 304);
  t.is(await again.text(), '');
});

test('HEAD answers the headers only', async (t) => {
  const url = await built();
  const res = await fetch(`${url}/dashboard/assets/index-abc123.js`, { method: 'HEAD' });
  t.is(res.status, 200);
  t.is(res.headers.get('content-length'), '14');
  t.is(await res.text(), '');
});

test('a missing asset is the JSON 404 envelope, not index.html', async (t) => {
  const url = await built();
  const res = await fetch(`${url}/dashboard/assets/index-gone.js`);
  t.is(res.status, 404);
  const body = await envelope(res);
  t.is(body.code, 'not_found');
  t.is(typeof body.requestId, 'string');
  assertSecurityHeaders(t, res);
});

test('nothing outside the build folder can be read', async (t) => {
  const url = await built();
  for (const p of ['/dashboard/../secret.txt', '/dashboard/%2e%2e/secret.txt', '/dashboard/..%2fsecret.txt', '/dashboard/%2e%2e%5csecret.txt', '/dashboard/%00.js', '/dashboard/%E0%A4%A.js']) {
    const res = await fetch(url + p);
    const text = await res.text();
    t.false(text.includes('outside the root'), p);
    t.true(res.status === 404 || text === INDEX, `${p}: ${res.status}`);
  }
});

test('other methods are 405 with Allow', async (t) => {
  const url = await built();
  const res = await fetch(`${url}/dashboard`, { method: 'POST' });
  t.is(res.status, 405);
  t.is(res.headers.get('allow'), 'GET, HEAD');
  t.is((await envelope(res)).code, 'method_not_allowed');
});

test('an unbuilt dashboard is a 503 that says to build it', async (t) => {
  const url = await serve(path.join(folder, 'empty'));
  for (const p of ['/dashboard', '/dashboard/login']) {
    const res = await fetch(url + p);
    t.is(res.status, 503, p);
    const body = await envelope(res);
    t.is(body.code, 'service_unavailable');
    t.regex(body.error, /npm run build/);
  }
  const res = await fetch(`${url}/dashboard/assets/index-abc123.js`);
  t.is(res.status, 404);
});

test('paths outside /dashboard pass through without the dashboard headers', async (t) => {
  const url = await built();
  for (const p of ['/dashboards', '/dashboardx/index.html', '/v1/dashboard', '/']) {
    const res = await fetch(url + p);
    t.is(res.status, 404, p);
    t.is(res.headers.get('content-security-policy'), null, p);
    t.is((await envelope(res)).error, 'No such route.');
  }
});

test('the default root is dist/dashboard beside package.json, from the source and the build', (t) => {
  const project = path.resolve(__dirname, '..');
  t.is(defaultDashboardRoot(path.join(project, 'app', 'routes')), path.join(project, 'dist', 'dashboard'));
  t.is(defaultDashboardRoot(path.join(project, 'dist', 'app', 'routes')), path.join(project, 'dist', 'dashboard'));
});
