import { randomBytes } from 'node:crypto';
import test from 'ava';
import type { Browser } from 'playwright-core';
import { buildDashboard, launchChromium, screenshot } from '../helpers/browser';
import { logIn, openDashboard, shootBothWidths } from '../helpers/dashboardPage';
import { DnsServer } from '../helpers/dnsServer';
import { freshDomainName, publishRecords, TEST_MAIL_HOSTNAME, type RecordJson } from '../helpers/domains';
import { register, TestWorld, type TestApp } from '../helpers/testApp';

// The Domains page in real headless Chromium, verifying against a DNS server on loopback.
let world: TestWorld;
let app: TestApp;
let browser: Browser;
let dns: DnsServer;

test.before(async () => {
  const [launched, created, built, started] = await Promise.allSettled([launchChromium(), TestWorld.create(), buildDashboard(), DnsServer.start()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  if (created.status === 'fulfilled') world = created.value;
  if (started.status === 'fulfilled') dns = started.value;
  for (const step of [launched, created, built, started]) if (step.status === 'rejected') throw step.reason;
  app = await world.start({ DNS_SERVERS: dns.address, MAIL_HOSTNAME: TEST_MAIL_HOSTNAME, SECRETS_KEY: randomBytes(32).toString('hex') });
});
test.after.always(async () => {
  await browser?.close();
  await world?.close();
  await dns?.close();
});

test('add a domain, copy its records, verify it once they are published, delete it though an inbox uses it', async (t) => {
  const account = await register(app);
  const { context, page, problems } = await openDashboard(browser, app.url);
  const shots = async (name: string) => t.deepEqual(await shootBothWidths(page, 'dashboard', name), { wide: 0, narrow: 0 }, `${name} scrolls sideways`);
  await logIn(page, account.email, account.password);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Domains' }).click();
  await page.getByText('No domains yet.', { exact: false }).waitFor();

  const name = freshDomainName('dash');
  await page.getByLabel('Domain name').fill(name);
  await page.getByRole('button', { name: 'Add domain' }).click();
  await page.getByRole('heading', { name }).waitFor();
  const records = page.getByRole('region', { name: 'DNS records' }).locator('tbody tr');
  await records.first().waitFor();
  t.is(await records.count(), 5);
  t.deepEqual(await page.locator('tbody .badge').allTextContents(), ['pending', 'pending', 'pending', 'pending', 'pending']);
  t.true((await records.filter({ hasText: `_dmarc.${name}` }).textContent())!.includes('(recommended)'));

  // Each value has its own copy button.
  const dns$ = (await app.get(`/v1/domains/${name}/dns`, { auth: account.key })).body as RecordJson[];
  const ownership = dns$.find((r) => r.name === `_sendook.${name}`)!;
  await page.getByRole('button', { name: `Copy TXT _sendook.${name} value` }).click();
  await page.getByRole('button', { name: `Copy TXT _sendook.${name} value` }).getByText('Copied').waitFor();
  t.is(await page.evaluate<string>('navigator.clipboard.readText()'), ownership.value);
  await shots('38-domain-pending');

  // Verify with nothing published: every record failed. Published: verified.
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText('Not verified').waitFor();
  await page.locator('tbody .badge', { hasText: /^failed$/ }).first().waitFor();
  publishRecords(dns, dns$);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('.lead .badge', { hasText: /^Verified$/ }).waitFor();
  t.deepEqual(await page.locator('tbody .badge').allTextContents(), ['verified', 'verified', 'verified', 'verified', 'verified']);
  await shots('39-domain-verified');

  // An inbox on it: delete is refused with the API's reason, then done when confirmed again.
  t.is((await app.post('/v1/inboxes', { auth: account.key, body: { email: `hello@${name}` } })).status, 201);
  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
  await dialog.getByRole('button', { name: 'Delete domain' }).click();
  await dialog.getByText(`1 inbox of the organization use ${name}`, { exact: false }).waitFor();
  await screenshot(page, 'dashboard', '40-domain-in-use');
  await dialog.getByRole('button', { name: 'Delete anyway' }).click();
  await page.getByText('No domains yet.', { exact: false }).waitFor();
  t.is((await app.get(`/v1/domains/${name}`, { auth: account.key })).status, 404);
  t.deepEqual(problems, []);
  await context.close();
});
