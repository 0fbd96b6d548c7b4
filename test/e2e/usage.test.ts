import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard, launchChromium, screenshot } from '../helpers/browser';
import { createKey, register, TestWorld, type TestApp } from '../helpers/testApp';

// The Usage and Logs pages and a key's detail in real headless Chromium, against a real app
// (docs/usage.md). Screenshots go to test/artifacts/usage/.
let world: TestWorld;
let app: TestApp;
let browser: Browser;

test.before(async () => {
  const [launched, created, built] = await Promise.allSettled([launchChromium(), TestWorld.create(), buildDashboard()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  if (created.status === 'fulfilled') world = created.value;
  for (const step of [launched, created, built]) if (step.status === 'rejected') throw step.reason;
  app = await world.start({ USAGE_FLUSH_MS: '200' });
});
test.after.always(async () => {
  await browser?.close();
  await world?.close();
});

async function openSignedIn(email: string, password: string) {
  const context = await browser.newContext({ baseURL: app.url, locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy|Trusted Type/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  await page.goto('/dashboard/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'API Keys' }).waitFor();
  return { context, page, problems };
}

const legendCount = (page: Page, outcome: string) => page.locator(`.legend-item[data-outcome="${outcome}"] strong`).textContent();

test('Usage chart stacked by outcome, a key with its clients, and the request log with filters', async (t) => {
  const account = await register(app);
  const prod = await createKey(app, account, { name: 'Production' });
  const ua = { 'user-agent': 'sendook-node/1.2 (e2e)' };
  for (let i = 0; i < 6; i++) t.is((await app.get('/v1/health', { auth: prod.key, headers: ua })).status, 200);
  t.is((await app.get('/v1/inboxes/0123456789abcdef01234567', { auth: prod.key, headers: ua })).status, 404);
  await app.patch(`/v1/api_keys/${prod.id}`, { auth: account.key, body: { active: false } });
  t.is((await app.get('/v1/health', { auth: prod.key, headers: ua })).status, 401);
  await app.patch(`/v1/api_keys/${prod.id}`, { auth: account.key, body: { active: true } });
  await app.deps.usageFlusher.flush();

  const { context, page, problems } = await openSignedIn(account.email, account.password);
  const shot = (name: string) => screenshot(page, 'usage', name);

  // Usage: the last hour by minute, every key; 6 + 1 by Production, 3 by the default key.
  await page.getByRole('link', { name: 'Usage' }).click();
  await page.getByRole('heading', { name: 'Usage' }).waitFor();
  const chart = page.getByRole('img', { name: /Last hour, by minute: \d+ requests/ });
  await chart.waitFor();
  t.is(await chart.getAttribute('aria-label'), 'Last hour, by minute: 11 requests');
  t.is(await legendCount(page, 'accepted'), '9');
  t.is(await legendCount(page, 'client_error'), '1');
  t.is(await legendCount(page, 'key_refused'), '1');
  t.true((await page.locator('.chart-svg rect.outcome-key_refused').count()) >= 1, 'the refused request is drawn in its own colour');
  await shot('01-usage-hour');

  // One key, over 7 days by hour.
  await page.getByRole('combobox', { name: /^Key/ }).selectOption({ label: `Production (${prod.key.slice(0, 9)}…)` });
  await page.getByRole('combobox', { name: /^Window/ }).selectOption('week');
  await page.getByRole('img', { name: 'Last 7 days, by hour: 8 requests' }).waitFor();
  await shot('02-usage-week-one-key');

  // The key's detail: its chart and its client.
  await page.getByRole('row').filter({ hasText: 'Production' }).getByRole('link', { name: 'Production' }).click();
  await page.getByRole('heading', { name: 'Production' }).waitFor();
  const client = page.getByRole('region', { name: 'Clients' }).getByRole('row').filter({ hasText: 'sendook-node/1.2 (e2e)' });
  await client.waitFor();
  t.regex((await client.textContent())!, /127\.0\.0\.1.*sendook-node\/1\.2 \(e2e\)8/);
  t.regex(page.url(), new RegExp(`/dashboard/organizations/${account.orgId}/settings/api-keys/${prod.id}$`));
  await shot('03-key-detail');

  // Logs, then only the 4xx.
  await page.getByRole('link', { name: 'Logs' }).click();
  await page.getByRole('heading', { name: 'Logs' }).waitFor();
  await page.locator('tr[data-status]').first().waitFor();
  t.true((await page.locator('tr[data-status]').count()) >= 11);
  await shot('04-logs');
  await page.getByLabel('Status').fill('4xx');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  // The unfiltered rows go (the table empties while the filtered page loads), then the 4xx rows
  // come. Locators, not waitForFunction with a string: the page's CSP forbids the eval that
  // Playwright polls such a string with, which failed whenever the first check was false.
  await page.locator('tr[data-status]:not([data-status^="4"])').first().waitFor({ state: 'detached' });
  await page.locator('tr[data-status]').first().waitFor();
  const statuses = await page.locator('tr[data-status]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
  t.deepEqual(statuses.sort(), ['401', '404']);
  t.true((await page.locator('tr[data-status="404"]').textContent())!.includes('GET /v1/inboxes/0123456789abcdef01234567'));
  await shot('05-logs-4xx');

  t.deepEqual(problems, []);
  await context.close();
});

test('the request log marks a request answered from an earlier one with the same Idempotency-Key', async (t) => {
  const account = await register(app);
  const headers = { 'idempotency-key': 'e2e-replay-1' };
  const first = await app.post('/v1/inboxes', { auth: account.key, headers, body: { name: 'Once' } });
  const again = await app.post('/v1/inboxes', { auth: account.key, headers, body: { name: 'Once' } });
  t.is(first.status, 201);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  await app.deps.usageFlusher.flush();

  const { context, page, problems } = await openSignedIn(account.email, account.password);
  await page.getByRole('link', { name: 'Logs' }).click();
  await page.getByRole('heading', { name: 'Logs' }).waitFor();
  const posts = page.locator('tr[data-status="201"]').filter({ hasText: 'POST /v1/inboxes' });
  await posts.first().waitFor();
  t.is(await posts.count(), 2);
  // Newest first: the replay, then the request that ran.
  t.is(await posts.nth(0).getByText('replayed', { exact: true }).count(), 1);
  t.is(await posts.nth(1).getByText('replayed', { exact: true }).count(), 0);
  await screenshot(page, 'usage', '07-logs-replayed');
  t.deepEqual(problems, []);
  await context.close();
});
