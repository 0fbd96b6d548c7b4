import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard, launchChromium, screenshot } from '../helpers/browser';
import { logIn, openDashboard, shootBothWidths } from '../helpers/dashboardPage';
import { register, TestWorld, type Reply, type TestApp } from '../helpers/testApp';
import { WebhookReceiver } from '../helpers/webhookReceiver';

// Webhooks in the dashboard, in real headless Chromium, delivering to a real local receiver;
// then the sections without a test of their own, photographed at 1280 and 390 px.
let world: TestWorld;
let app: TestApp;
let browser: Browser;
let receiver: WebhookReceiver;

test.before(async () => {
  const [launched, created, built, started] = await Promise.allSettled([launchChromium(), TestWorld.create(), buildDashboard(), WebhookReceiver.start()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  if (created.status === 'fulfilled') world = created.value;
  if (started.status === 'fulfilled') receiver = started.value;
  for (const step of [launched, created, built, started]) if (step.status === 'rejected') throw step.reason;
  app = await world.start({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_BACKOFF_MS: '60', WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '1500' });
});
test.after.always(async () => {
  await browser?.close();
  await world?.close();
  await receiver?.close();
});

const FOLDER = 'dashboard';
const sections = (page: Page) => page.getByRole('navigation', { name: 'Sections' });
const attemptRow = (page: Page, event: string, attempt: number, status: string) =>
  page.getByRole('region', { name: 'Delivery attempts' }).getByRole('row').filter({ hasText: event }).filter({ has: page.getByRole('cell', { name: String(attempt), exact: true }) }).filter({ hasText: status });

test.serial('create a webhook, see its secret once, send a test, see the attempt; a failing endpoint shows its retries; delete', async (t) => {
  const account = await register(app);
  const { context, page, problems } = await openDashboard(browser, app.url);
  const shots = async (name: string) => t.deepEqual(await shootBothWidths(page, FOLDER, name), { wide: 0, narrow: 0 }, `${name} scrolls sideways`);
  await logIn(page, account.email, account.password);

  await sections(page).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByText('No webhooks yet.', { exact: false }).waitFor();
  await page.getByLabel('Endpoint URL').fill(receiver.url('/dash-ok'));
  const events = page.getByRole('group', { name: 'Events' });
  t.true(await events.getByLabel('message.received').isChecked());
  await events.getByLabel('message.sent').check();
  await shots('30-webhooks-new');
  await page.getByRole('button', { name: 'Create webhook' }).click();

  // The secret, once, with a copy button that works.
  await page.getByRole('heading', { name: 'Copy the signing secret now' }).waitFor();
  const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
  t.true(secret.length >= 20, secret);
  await page.getByRole('button', { name: 'Copy signing secret' }).click();
  await page.getByRole('button', { name: 'Copy signing secret' }).getByText('Copied').waitFor();
  t.is(await page.evaluate<string>('navigator.clipboard.readText()'), secret);
  const row = page.getByRole('row').filter({ hasText: receiver.url('/dash-ok') });
  await row.waitFor();
  t.true((await row.textContent())!.includes('message.sent'));
  await shots('31-webhook-secret');
  await page.reload();
  await row.waitFor();
  t.is(await page.getByRole('textbox', { name: 'Signing secret' }).count(), 0, 'the secret is not shown again');
  t.false(JSON.stringify((await app.get('/v1/webhooks', { auth: account.key })).body).includes(secret));

  // A test delivery, signed with that secret, and its attempt on the webhook's page.
  await row.getByRole('button', { name: 'Send test' }).click();
  const [delivery] = await receiver.waitFor('/dash-ok', 1);
  t.is(delivery!.body.event, 'webhook.test');
  t.true(WebhookReceiver.signedWith(delivery!, secret));
  await page.getByRole('link', { name: 'See its delivery attempts' }).click();
  await attemptRow(page, 'webhook.test', 1, '200').waitFor();
  await shots('32-webhook-attempts');

  // An endpoint that answers 500: each retry is an attempt with its number and status.
  receiver.behave('/dash-fail', () => 500);
  const failing = await app.post('/v1/webhooks', { auth: account.key, body: { url: receiver.url('/dash-fail'), events: ['inbox.created'] } });
  t.is(failing.status, 201);
  await sections(page).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('link', { name: receiver.url('/dash-fail') }).click();
  await page.getByText('No deliveries yet.', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'Send test' }).click();
  await receiver.waitFor('/dash-fail', 3);
  for (const n of [1, 2, 3]) await attemptRow(page, 'webhook.test', n, '500').waitFor();
  // The first two name when the next try comes; the last says there will be none.
  const nextRetryOf = (n: number) => attemptRow(page, 'webhook.test', n, '500').locator('td[data-label="Next retry"]');
  for (const n of [1, 2]) t.regex(await nextRetryOf(n).innerText(), /\d{2}:\d{2}:\d{2}/);
  t.is(await nextRetryOf(3).innerText(), 'none: gave up');
  await shots('33-webhook-failing');

  // Delete it from its page; the list no longer has it, and the API agrees.
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete webhook' }).click();
  await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
  await page.getByRole('row').filter({ hasText: receiver.url('/dash-ok') }).waitFor();
  t.is(await page.getByRole('row').filter({ hasText: receiver.url('/dash-fail') }).count(), 0);
  t.deepEqual((await app.get('/v1/webhooks', { auth: account.key })).body.map((w: { url: string }) => w.url), [receiver.url('/dash-ok')]);

  t.deepEqual(problems, []);
  await context.close();
});

test.serial('every section fits at 1280 and 390 px, and the back button walks back through them', async (t) => {
  const account = await register(app);
  const { context, page, problems } = await openDashboard(browser, app.url);
  await logIn(page, account.email, account.password);
  const visited: string[] = [];
  for (const [label, heading, name] of [
    ['Usage', 'Usage', '34-usage'],
    ['Logs', 'Logs', '35-logs'],
    ['Domains', 'Domains', '36-domains'],
    ['Inboxes', 'Inboxes', '37-inboxes-new-account'],
  ] as const) {
    await sections(page).getByRole('link', { name: label }).click();
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    t.is(await sections(page).getByRole('link', { name: label }).getAttribute('aria-current'), 'page');
    visited.push(page.url());
    t.deepEqual(await shootBothWidths(page, FOLDER, name), { wide: 0, narrow: 0 }, `${name} scrolls sideways`);
  }
  for (const url of visited.reverse().slice(1)) {
    await page.goBack();
    t.is(page.url(), url);
  }
  t.deepEqual(problems, []);
  await context.close();
});

test.serial('a page refused with 429 says when to try again', async (t) => {
  const account = await register(app);
  const { context, page, problems } = await openDashboard(browser, app.url);
  await logIn(page, account.email, account.password);
  // Owners may lower their own budget: two requests a minute, used up by the keys page itself.
  const lowered = await app.patch(`/organizations/${account.orgId}`, { auth: account.token, body: { rateLimitPoints: 2, rateLimitDuration: 60 } });
  t.is(lowered.status, 200);
  // Use the budget up (the new one may take a few requests to be seen by the limiter).
  let refused: Reply | undefined;
  for (let i = 0; i < 10 && !refused; i++) {
    const res = await app.get(`/organizations/${account.orgId}/webhooks`, { auth: account.token });
    if (res.status === 429) refused = res;
  }
  t.is(refused?.body.code, 'rate_limited', JSON.stringify(refused?.body));
  await sections(page).getByRole('link', { name: 'Webhooks' }).click();
  await sections(page).getByRole('link', { name: 'Inboxes' }).click();
  const notice = page.getByRole('alert').locator('.notice-message').filter({ hasText: 'request budget is used up' });
  await notice.waitFor();
  // A window of 60 s: "in 42 seconds", or "in 1 minute" right at its start.
  t.regex((await notice.textContent())!, /^The organization's request budget is used up\. Try again in (\d+ seconds?|1 minute) \(at \d\d:\d\d:\d\d (AM|PM)\)\.$/);
  await screenshot(page, FOLDER, '41-rate-limited');
  t.deepEqual(problems, []);
  await context.close();
});
