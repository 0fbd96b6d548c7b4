import test from 'ava';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildDashboard, launchChromium, screenshot } from '../helpers/browser';
import { Counters } from '../../app/infra/counters';
import { createRedis } from '../../app/infra/redis';
import { LOGIN_BUDGET_PER_EMAIL } from '../../app/services/accounts';
import { BucketFamily } from '../../app/services/rateLimits';
import { randomSuffix, REDIS_URL } from '../helpers/services';
import { register, TestWorld, type TestApp } from '../helpers/testApp';

// The dashboard in real headless Chromium against a real app instance (its own MySQL database
// and Redis prefix). Screenshots of every step go to test/artifacts/dashboard/. The tests run one
// at a time: six pages rendering at once on a loaded 2-core machine took over 30 s to show a form.

let world: TestWorld;
let app: TestApp;
let browser: Browser;

test.before(async () => {
  const [launched, created, built] = await Promise.allSettled([launchChromium(), TestWorld.create(), buildDashboard()]);
  // Keep what started, so that after.always closes it, then fail on the first problem (a
  // missing Chromium first: its message says what to install).
  if (launched.status === 'fulfilled') browser = launched.value;
  if (created.status === 'fulfilled') world = created.value;
  for (const step of [launched, created, built]) if (step.status === 'rejected') throw step.reason;
  app = await world.start();
});
test.after.always(async () => {
  await browser?.close();
  await world?.close();
});

/** A fresh browser profile on the app, collecting CSP violations and uncaught page errors. */
async function openDashboard(path = '/dashboard') {
  const context: BrowserContext = await browser.newContext({
    baseURL: app.url,
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 1200, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (/Content Security Policy|Trusted Type/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  await page.goto(path);
  return { context, page, problems };
}

async function logIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

const keyRow = (page: Page, name: string) =>
  page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

// Page-side code as strings: the browser's globals are not in the test's (Node) type library.
const storedToken = (page: Page) => page.evaluate<string | null>(`sessionStorage.getItem('sendook.dashboard.token')`);

test.serial('register, log in, create a key, use it, deactivate, reactivate and delete it', async (t) => {
  const { context, page, problems } = await openDashboard();
  const shot = (name: string) => screenshot(page, 'dashboard', name);
  const email = `dash-${randomSuffix()}@example.test`;
  const password = 'correct horse battery';

  // Register: the default organization's default key is shown once.
  await page.waitForURL('**/dashboard/login');
  await page.getByRole('link', { name: 'Create one' }).click();
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await shot('01-register');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: /Copy your new key “Default API Key” now/ }).waitFor();
  t.regex(await page.getByLabel('Your new API key').inputValue(), /^sndk_[0-9A-Za-z]{38}$/);
  await shot('02-registered');
  await page.getByRole('button', { name: 'I have stored it, hide the key' }).click();
  t.is(await page.getByLabel('Your new API key').count(), 0);

  // Log out, then back in.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have logged out.').waitFor();
  t.is(await storedToken(page), null);
  await shot('03-logged-out');
  await logIn(page, email, password);
  await page.getByRole('heading', { name: 'API Keys' }).waitFor();
  await keyRow(page, 'Default API Key').waitFor();
  t.regex(page.url(), /\/dashboard\/organizations\/[0-9a-f]{24}\/settings\/api-keys$/);
  await shot('04-api-keys');

  // The token is in sessionStorage, never in a cookie.
  t.regex((await storedToken(page)) ?? '', /^sndt_/);
  t.deepEqual(await context.cookies(), []);
  t.is(await page.evaluate<string>('document.cookie'), '');

  // A name of spaces: the API's validation error, in plain words.
  await page.getByLabel('Name').fill('   ');
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('alert').getByText('Name: must not be empty').waitFor();
  await shot('05-validation-error');

  // Create "Production": the key is shown once, with a working copy button.
  await page.getByLabel('Name').fill('Production');
  await page.getByRole('button', { name: 'Create key' }).click();
  await page.getByText('You will not see this key again.').waitFor();
  const key = await page.getByLabel('Your new API key').inputValue();
  t.regex(key, /^sndk_/);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.getByText('Copied to the clipboard.').waitFor();
  t.is(await page.evaluate<string>('navigator.clipboard.readText()'), key);
  await keyRow(page, 'Production').waitFor();
  await shot('06-key-created');

  // The key works, and the list shows it as used.
  const health = await app.get('/v1/health', { auth: key });
  t.is(health.status, 200);
  const row = keyRow(page, 'Production');
  t.is(await row.getAttribute('data-key-id'), health.body.apiKeyId);
  t.true((await row.textContent())!.includes(key.slice(0, 9)));
  await page.getByRole('button', { name: 'Refresh' }).click();
  await row.locator('td.last-used', { hasNotText: 'Never' }).waitFor();
  t.is(await page.getByLabel('Your new API key').count(), 1, 'a refresh keeps the new key on screen until dismissed');

  // Deactivate: the next call is refused.
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await row.getByText('Inactive').waitFor();
  await shot('07-deactivated');
  const refused = await app.get('/v1/health', { auth: key });
  t.is(refused.status, 401);
  t.is(refused.body.code, 'api_key_inactive');

  // Reactivate: accepted again.
  await row.getByRole('button', { name: 'Reactivate' }).click();
  await row.getByText('Active', { exact: true }).waitFor();
  await shot('08-reactivated');
  t.is((await app.get('/v1/health', { auth: key })).status, 200);

  // Delete, after a confirmation that can be cancelled.
  await row.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete the key “Production”?' });
  await dialog.waitFor();
  await shot('09-delete-confirmation');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  t.is((await app.get('/v1/health', { auth: key })).status, 200, 'cancel deletes nothing');
  await row.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete key' }).click();
  await row.waitFor({ state: 'detached' });
  t.is(await page.getByLabel('Your new API key').count(), 0, "a deleted key's secret is no longer shown");
  await shot('10-deleted');
  const deleted = await app.get('/v1/health', { auth: key });
  t.is(deleted.status, 401);
  t.is(deleted.body.code, 'invalid_api_key');
  await keyRow(page, 'Default API Key').waitFor();

  // A second organization, and the switcher between them.
  await page.getByRole('button', { name: 'New organization' }).click();
  await page.getByLabel('Organization name').fill('Acme Staging');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByText('No API keys yet. Create one above.').waitFor();
  t.is(await page.locator('#org-select option:checked').textContent(), 'Acme Staging');
  await shot('11-second-organization');
  await page.getByLabel('Organization', { exact: true }).selectOption({ label: 'Default Organization' });
  await keyRow(page, 'Default API Key').waitFor();

  // A reload keeps the tab signed in.
  await page.reload();
  await keyRow(page, 'Default API Key').waitFor();

  t.deepEqual(problems, []);
  await context.close();
});

test.serial('a key can be created with an expiry date', async (t) => {
  const account = await register(app);
  const { context, page, problems } = await openDashboard('/dashboard/login');
  await logIn(page, account.email, account.password);
  await keyRow(page, 'Default API Key').waitFor();
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Name').fill('Staging');
  await page.getByLabel('Expires (optional)').fill(expiry);
  await page.getByRole('button', { name: 'Create key' }).click();
  await keyRow(page, 'Staging').waitFor();
  const [stored] = await app.deps.knex('api_keys').where({ organization_id: account.orgId, name: 'Staging' });
  t.is(new Date(Number(stored.expires_at)).toISOString(), `${expiry}T23:59:59.000Z`);
  const shown = new Date(`${expiry}T12:00:00Z`).toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
  t.true((await keyRow(page, 'Staging').textContent())!.includes(shown));
  t.deepEqual(problems, []);
  await context.close();
});

test.serial('a key with chosen scopes on one inbox, shown in the list, then rolled with a grace; the new secret is shown once', async (t) => {
  const account = await register(app);
  const inbox = (await app.get('/v1/inboxes', { auth: account.key })).body[0] as { id: string; email: string };
  const { context, page, problems } = await openDashboard('/dashboard/login');
  const shot = (name: string) => screenshot(page, 'dashboard', name);
  await logIn(page, account.email, account.password);
  await keyRow(page, 'Default API Key').waitFor();
  t.true((await keyRow(page, 'Default API Key').textContent())!.includes('Full access'));

  await page.getByLabel('Name').fill('Mailer');
  await page.getByLabel('Only these scopes').check();
  const create = page.getByRole('button', { name: 'Create key' });
  t.true(await create.isDisabled(), 'no scope chosen yet');
  await page.getByRole('group', { name: 'Scopes' }).getByLabel('inboxes:read').check();
  await page.getByRole('group', { name: 'Scopes' }).getByLabel('messages:send').check();
  await page.getByLabel('Only some inboxes').check();
  await page.getByRole('group', { name: 'Inboxes' }).getByLabel(new RegExp(inbox.email.replace(/[.+]/g, '\\$&'))).check();
  await shot('15-create-scoped-key');
  await create.click();
  await page.getByRole('heading', { name: /Copy your new key “Mailer” now/ }).waitFor();
  const secret = await page.getByLabel('Your new API key').inputValue();
  const row = keyRow(page, 'Mailer');
  await row.waitFor();
  const text = (await row.textContent())!;
  t.true(text.includes('inboxes:read') && text.includes('messages:send') && text.includes('1 inbox'), text);
  // The key does what was chosen, and nothing else.
  t.is((await app.get(`/v1/inboxes/${inbox.id}`, { auth: secret })).status, 200);
  t.is((await app.get('/v1/webhooks', { auth: secret })).status, 403);
  await page.getByRole('button', { name: 'I have stored it, hide the key' }).click();

  await row.getByRole('button', { name: 'Roll' }).click();
  const dialog = page.getByRole('dialog', { name: /Roll the key “Mailer”/ });
  await dialog.getByLabel('Old key keeps working for').selectOption({ label: '1 hour' });
  await shot('16-roll-dialog');
  await dialog.getByRole('button', { name: 'Roll key' }).click();
  await page.getByRole('heading', { name: /Copy your new key “Mailer” now/ }).waitFor();
  const rolled = await page.getByLabel('Your new API key').inputValue();
  t.not(rolled, secret);
  await page.getByRole('row').filter({ hasText: 'Rolled' }).waitFor();
  await shot('17-rolled');
  t.is((await app.get(`/v1/inboxes/${inbox.id}`, { auth: rolled })).status, 200, 'the successor has the same access');
  t.is((await app.get('/v1/webhooks', { auth: rolled })).status, 403);
  t.is((await app.get('/v1/health', { auth: secret })).status, 200, 'the old key works during its hour of grace');
  const [old] = await app.deps.knex('api_keys').where({ organization_id: account.orgId, key_hash: (await import('../../app/lib/credentials')).hashSecret(secret) });
  t.true(Math.abs(Number(old.expires_at) - Date.now() - 3_600_000) < 60_000);
  t.true(await page.getByRole('row').filter({ hasText: 'Rolled' }).getByRole('button', { name: 'Roll' }).isDisabled(), 'a rolled key cannot be rolled again');
  t.deepEqual(problems, []);
  await context.close();
});

test.serial('a wrong password is refused in plain words and signs nobody in', async (t) => {
  const account = await register(app);
  const { context, page, problems } = await openDashboard('/dashboard/login');
  await logIn(page, account.email, 'not the password');
  const alert = page.getByRole('alert');
  await alert.getByText('The email or password is wrong.').waitFor();
  await screenshot(page, 'dashboard', '12-wrong-password');
  t.regex(page.url(), /\/dashboard\/login$/);
  t.is(await storedToken(page), null);
  t.is(await page.getByRole('heading', { name: 'API Keys' }).count(), 0);
  t.deepEqual(problems, []);
  await context.close();
});

test.serial('an expired access token sends the user back to log in', async (t) => {
  const account = await register(app);
  const { context, page, problems } = await openDashboard('/dashboard/login');
  await logIn(page, account.email, account.password);
  await keyRow(page, 'Default API Key').waitFor();
  await app.deps.knex('access_tokens').where({ user_id: account.userId }).update({ expires_at: Date.now() - 1000 });

  await page.getByRole('button', { name: 'Refresh' }).click();
  await page.getByText('The access token has expired; log in again.').waitFor();
  await screenshot(page, 'dashboard', '13-expired-token');
  t.regex(page.url(), /\/dashboard\/login$/);
  t.is(await storedToken(page), null);

  // A reload with the expired token stored ends up at the login page too.
  await page.evaluate(`sessionStorage.setItem('sendook.dashboard.token', ${JSON.stringify(account.token)})`);
  await page.goto('/dashboard');
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  t.is(await storedToken(page), null);
  t.deepEqual(problems, []);
  await context.close();
});

/**
 * Uses up an email's login budget in the app's own Redis bucket, as 20 failed logins would, but
 * without 20 rounds of bcrypt (seconds of CPU on a shared machine).
 */
async function exhaustLoginBudget(email: string): Promise<void> {
  const redis = createRedis(REDIS_URL, 1000, new Counters());
  try {
    await redis.connect();
    const logins = new BucketFamily({
      redis,
      keyPrefix: app.deps.redisKeys.limiterPrefix('login'),
      instanceCount: 1,
      counters: new Counters(),
      defaultBudget: LOGIN_BUDGET_PER_EMAIL,
    });
    await logins.consume(`email:${email}`, LOGIN_BUDGET_PER_EMAIL, LOGIN_BUDGET_PER_EMAIL.points);
  } finally {
    redis.disconnect();
  }
}

test.serial('a throttled login says when to retry', async (t) => {
  const email = `throttled-${randomSuffix()}@example.test`;
  await exhaustLoginBudget(email);
  const refused = await app.post('/auth/login', { body: { email, password: 'wrong password' } });
  t.is(refused.status, 429);
  t.is(refused.body.code, 'login_throttled');
  const { context, page, problems } = await openDashboard('/dashboard/login');
  await logIn(page, email, 'wrong password');
  const alert = page.getByRole('alert');
  await alert.getByText(/^Too many login attempts\. Try again in 1[45] minutes \(at \d\d:\d\d (AM|PM)\)\.$/).waitFor();
  await screenshot(page, 'dashboard', '14-login-throttled');
  t.pass();
  t.deepEqual(problems, []);
  await context.close();
});
