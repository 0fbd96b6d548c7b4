import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import type { Browser } from 'playwright-core';
import type { InboundSmtpServer } from '../../app/smtp/inboundServer';
import { buildDashboard, launchChromium } from '../helpers/browser';
import { openDashboard, shootBothWidths } from '../helpers/dashboardPage';
import { DnsServer } from '../helpers/dnsServer';
import { eventually } from '../helpers/eventually';
import { listenSmtp, sendMail } from '../helpers/inbound';
import { register, TestWorld, type TestApp } from '../helpers/testApp';

// A received message that tries everything a web page can do, opened in the dashboard's reader
// in real headless Chromium: it must stay data. A local HTTP server stands in for the sender's
// tracking and form servers and counts what reaches it.
let world: TestWorld;
let app: TestApp;
let browser: Browser;
let dns: DnsServer;
let smtp: InboundSmtpServer;
let smtpPort: number;
let tracker: Server;
let trackerUrl: string;
const hits: { path: string; headers: IncomingHttpHeaders }[] = [];

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

test.before(async () => {
  const [launched, created, built, dnsStarted] = await Promise.allSettled([launchChromium(), TestWorld.create(), buildDashboard(), DnsServer.start()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  if (created.status === 'fulfilled') world = created.value;
  if (dnsStarted.status === 'fulfilled') dns = dnsStarted.value;
  for (const step of [launched, created, built, dnsStarted]) if (step.status === 'rejected') throw step.reason;
  app = await world.start({ INBOUND_DNS_SERVERS: dns.address });
  ({ smtp, port: smtpPort } = await listenSmtp(app));
  tracker = createServer((req, res) => {
    hits.push({ path: req.url ?? '/', headers: req.headers });
    res.writeHead(200, { 'content-type': 'image/gif' }).end(GIF);
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
});
test.after.always(async () => {
  await smtp?.close();
  await browser?.close();
  await world?.close();
  await dns?.close();
  tracker?.close();
});

function hostileHtml(base: string): string {
  return `<!doctype html><html><head>
<meta http-equiv="refresh" content="0;url=${base}/refresh">
<base href="${base}/base/">
<link rel="stylesheet" href="${base}/style.css">
<style>.styled { color: rgb(200, 0, 0); }</style>
</head><body>
<p class="styled" id="greeting">Hello from a stranger</p>
<script>window.__pwned = 'script'; try { parent.__pwned = 'script'; top.location = '${base}/script'; } catch (e) {}</script>
<img src="does-not-exist.png" onerror="window.__pwned = 'onerror'; parent.__pwned = 'onerror'">
<img id="pixel" src="${base}/pixel.gif" alt="tracking pixel" width="1" height="1">
<form id="form" action="${base}/form" method="post"><input name="secret" value="x"><button id="submit" type="submit">Claim your prize</button></form>
<a id="js" href="javascript:parent.__pwned='link'">Click me</a>
<a id="web" href="${base}/page" ping="${base}/ping">Read more</a>
<iframe src="${base}/frame"></iframe>
</body></html>`;
}

test('a hostile HTML message runs no script, loads nothing until "Show images", and cannot move the page', async (t) => {
  const account = await register(app);
  const inbox = (await app.get('/v1/inboxes', { auth: account.key })).body[0] as { id: string; email: string };
  await sendMail(smtpPort, { from: 'mallory@evil.test', to: inbox.email, subject: 'You won', html: hostileHtml(trackerUrl), text: 'plain part' });
  const [message] = (await app.get(`/v1/inboxes/${inbox.id}/messages`, { auth: account.key })).body;
  t.truthy(message?.html);

  const { context, page, problems } = await openDashboard(browser, app.url);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'API Keys' }).waitFor();
  const messagePath = `/dashboard/organizations/${account.orgId}/inboxes/${inbox.id}/messages/${message.id}`;
  await page.goto(messagePath);
  const frameElement = page.locator('iframe.mail-frame');
  await frameElement.waitFor();
  const frame = page.frameLocator('iframe.mail-frame');
  await frame.getByText('Hello from a stranger').waitFor();

  // The frame: sandboxed without scripts or this origin; its document carries its own policy.
  t.is(await frameElement.getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox');
  const inner = page.frames().find((f) => f !== page.mainFrame())!;
  const policy = await inner.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  t.regex(policy!, /script-src 'none'/);
  t.regex(policy!, /form-action 'none'/);
  t.regex(policy!, /frame-src 'none'/);
  t.regex(policy!, /img-src data:(;|$)/);
  t.is(await inner.locator('script, iframe, base, link, meta[http-equiv="refresh"]').count(), 0);
  // The sender's own styling applies (inline CSS is layout, not code).
  t.is(await inner.evaluate<string>(`getComputedStyle(document.getElementById('greeting')).color`), 'rgb(200, 0, 0)');

  // Links: javascript: gone; a web link opens a new tab, telling it nothing.
  t.is(await frame.locator('#js').getAttribute('href'), null);
  t.is(await frame.locator('#web').getAttribute('target'), '_blank');
  t.is(await frame.locator('#web').getAttribute('rel'), 'noopener noreferrer');
  t.is(await frame.locator('#web').getAttribute('ping'), null);
  t.is(await inner.locator('meta[http-equiv="x-dns-prefetch-control"]').getAttribute('content'), 'off');
  await frame.locator('#js').click();
  // The form cannot be sent: no action left, and the sandbox forbids forms anyway.
  await frame.locator('#submit').click();

  // Nothing ran and nothing was fetched; the page is where it was.
  t.is(await page.evaluate<unknown>('window.__pwned'), undefined);
  t.is(await inner.evaluate<unknown>('window.__pwned'), undefined);
  t.true(page.url().endsWith(messagePath));
  t.deepEqual(hits, [], 'no request before "Show images"');
  const bar = page.getByRole('status').filter({ hasText: 'remote image' });
  t.regex((await bar.textContent())!, /1 remote image is hidden/);
  await shootBothWidths(page, 'dashboard', '29-hostile-message');

  // Asked for: exactly the image is loaded, without a referrer; still no script, form or refresh.
  await page.getByRole('button', { name: 'Show images' }).click();
  await eventually(() => hits.some((h) => h.path === '/pixel.gif'), 10_000, 'the pixel requested');
  await frame.getByText('Hello from a stranger').waitFor();
  t.deepEqual(
    hits.map((h) => h.path),
    ['/pixel.gif'],
  );
  t.is(hits[0]!.headers.referer, undefined);
  t.is(await page.evaluate<unknown>('window.__pwned'), undefined);
  t.true(page.url().endsWith(messagePath));
  t.is(await bar.count(), 0);
  // Chromium applies the dashboard's own CSP to any document parsed in the page (DOMParser,
  // createHTMLDocument and parseHTMLUnsafe alike) and logs, at the parsing script, each
  // refusal of the mail's inline handlers and <base> in the inert copy. Those are the policy
  // doing its work on the mail; anything else (a page error, a Trusted Types refusal, a
  // script of the dashboard failing) is a problem.
  const inertCopyRefusals = /^console error at .*: (Executing inline event handler violates the following Content Security Policy directive 'script-src 'self''|Setting the document's base URI to '[^']*' violates the following Content Security Policy directive: "base-uri 'none'")/;
  t.deepEqual(problems.filter((p) => !inertCopyRefusals.test(p)), [], 'no error from the dashboard itself');
  await context.close();
});
