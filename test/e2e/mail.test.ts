import { readFile } from 'node:fs/promises';
import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { createInboundSmtpServer } from '../../app/smtp/start';
import type { InboundSmtpServer } from '../../app/smtp/inboundServer';
import { buildDashboard, launchChromium, screenshot } from '../helpers/browser';
import { openDashboard, shootBothWidths, type DashboardPage } from '../helpers/dashboardPage';
import { DnsServer } from '../helpers/dnsServer';
import { authenticatedDomain, sendMail } from '../helpers/inbound';
import { freePort } from '../helpers/process';
import { randomSuffix } from '../helpers/services';
import { register, TestWorld, type TestApp } from '../helpers/testApp';

// Mail in the dashboard, in real headless Chromium against a real app whose outgoing mail goes
// over SMTP to its own receiving server (SMTP_INBOUND_PORT): a message sent from one inbox
// arrives in the other as received mail, as it would between two servers. Screenshots at 1280
// and 390 px go to test/artifacts/dashboard/.
let world: TestWorld;
let app: TestApp;
let browser: Browser;
let dns: DnsServer;
let smtp: InboundSmtpServer;
let smtpPort: number;

test.before(async () => {
  const [launched, created, built, dnsStarted] = await Promise.allSettled([launchChromium(), TestWorld.create(), buildDashboard(), DnsServer.start()]);
  if (launched.status === 'fulfilled') browser = launched.value;
  if (created.status === 'fulfilled') world = created.value;
  if (dnsStarted.status === 'fulfilled') dns = dnsStarted.value;
  for (const step of [launched, created, built, dnsStarted]) if (step.status === 'rejected') throw step.reason;
  smtpPort = await freePort();
  app = await world.start({
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    SMTP_INBOUND_PORT: String(smtpPort),
    INBOUND_DNS_SERVERS: dns.address,
    INBOUND_CLIENT_MESSAGES_PER_MINUTE: '1000',
    ATTACHMENTS_MAX_BYTES: '4096',
  });
  smtp = createInboundSmtpServer(app.deps);
  await smtp.listen(smtpPort, '127.0.0.1');
});
test.after.always(async () => {
  await smtp?.close();
  await browser?.close();
  await world?.close();
  await dns?.close();
});

const FOLDER = 'dashboard';
const inboxRow = (page: Page, email: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: email, exact: true }) });
const mailItem = (page: Page, subject: string) => page.locator('.mail-item').filter({ has: page.getByRole('link', { name: subject, exact: true }) });

async function signedIn(account: { email: string; password: string }): Promise<DashboardPage> {
  const opened = await openDashboard(browser, app.url);
  await opened.page.getByLabel('Email').fill(account.email);
  await opened.page.getByLabel('Password').fill(account.password);
  await opened.page.getByRole('button', { name: 'Log in' }).click();
  await opened.page.getByRole('heading', { name: 'API Keys' }).waitFor();
  return opened;
}

test.serial('register, see the default inbox, send to a second inbox, read it there, reply, see the thread, search, delete the inbox', async (t) => {
  const { context, page, problems } = await openDashboard(browser, app.url, '/dashboard/register');
  const shots = async (name: string) => t.deepEqual(await shootBothWidths(page, FOLDER, name), { wide: 0, narrow: 0 }, `${name} scrolls sideways`);
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Email').fill(`mail-${randomSuffix()}@example.test`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: 'I have stored it, hide the key' }).click();
  await shots('20-api-keys');

  // The sidebar's Inboxes: the default inbox made at registration.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inboxes' }).click();
  await page.getByRole('heading', { name: 'Inboxes' }).waitFor();
  const firstRow = page.locator('tr[data-inbox-id]').first();
  await firstRow.waitFor();
  t.is(await page.locator('tr[data-inbox-id]').count(), 1);
  const first = (await firstRow.getByRole('rowheader').textContent())!;
  t.regex(first, /^[^@\s]+@[^@\s]+$/);
  await firstRow.getByText('No mail yet').waitFor();

  // A second inbox, named, on the default domain.
  await page.getByLabel('Inbox name').fill('Support desk');
  await page.getByRole('button', { name: 'Create inbox' }).click();
  const secondRow = page.locator('tr[data-inbox-id]').filter({ hasText: 'Support desk' });
  await secondRow.waitFor();
  const second = (await secondRow.getByRole('rowheader').textContent())!;
  t.not(second, first);
  // Renamed, through PATCH.
  await secondRow.getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('New name').fill('Support');
  await page.getByRole('button', { name: 'Save' }).click();
  await inboxRow(page, second).getByRole('cell', { name: 'Support', exact: true }).waitFor();
  await shots('21-inboxes');

  // An address already in use: the API's refusal, in its own words.
  await page.getByLabel('Address (optional)').fill(second);
  await page.getByRole('button', { name: 'Create inbox' }).click();
  const refused = await app.post(`/v1/inboxes`, { auth: (await register(app)).key, body: { email: second } });
  t.is(refused.status, 409);
  await page.getByRole('alert').getByText(refused.body.error, { exact: true }).waitFor();
  t.is(await page.locator('tr[data-inbox-id]').count(), 2);
  await page.getByLabel('Address (optional)').fill('');

  // Compose from the first inbox to the second, with an attachment.
  await inboxRow(page, first).getByRole('link', { name: first }).click();
  await page.getByText(`No mail yet. Mail sent to ${first} shows up here`, { exact: false }).waitFor();
  await page.getByRole('link', { name: 'Compose' }).click();
  await page.getByRole('heading', { name: 'New message' }).waitFor();
  await page.getByLabel('To', { exact: true }).fill(second);
  await page.getByLabel('Cc', { exact: true }).fill('carol@example.test');
  await page.getByLabel('Subject', { exact: true }).fill('Quarterly numbers');
  await page.getByLabel('Labels (optional, comma-separated)').fill('finance, q3');
  await page.getByLabel('Message', { exact: true }).fill('Hello Support,\nthe numbers are attached.');
  // Over the server's attachment limit (4 KiB here): said before anything is uploaded.
  await page.getByLabel('Attachments', { exact: true }).setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5000) });
  await page.getByRole('alert').getByText('The attachments come to 4.9 KB; this server accepts at most 4.0 KB in all.').waitFor();
  await page.getByRole('button', { name: 'Remove big.bin' }).click();
  await page.getByRole('alert').waitFor({ state: 'detached' });
  await page.getByLabel('Attachments', { exact: true }).setInputFiles({ name: 'numbers.csv', mimeType: 'text/csv', buffer: Buffer.from('quarter,total\nq3,42\n') });
  await page.getByText('numbers.csv').waitFor();
  await shots('22-compose');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('heading', { name: 'Quarterly numbers' }).waitFor();
  const sentStatus = page.locator('.envelope').getByText('Sent', { exact: true });
  await sentStatus.waitFor();
  t.true((await page.locator('.envelope').textContent())!.includes('carol@example.test'));
  t.true((await page.getByRole('region', { name: 'Attachments' }).textContent())!.includes('numbers.csv'));

  // In the first inbox as sent mail; the back button returns to the list.
  await page.getByRole('link', { name: first }).click();
  const sentItem = mailItem(page, 'Quarterly numbers');
  await sentItem.getByText('Sent', { exact: true }).waitFor();
  await sentItem.getByRole('link', { name: 'Quarterly numbers' }).click();
  await page.getByRole('heading', { name: 'Quarterly numbers' }).waitFor();
  await page.goBack();
  await sentItem.waitFor();
  await shots('23-inbox-sent');

  // In the second inbox as received mail, read there: envelope, verdicts, labels, attachment, body.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inboxes' }).click();
  await inboxRow(page, second).getByRole('link', { name: second }).click();
  const received = mailItem(page, 'Quarterly numbers');
  await received.getByText('Received').waitFor();
  t.true((await received.textContent())!.includes(first));
  await received.getByRole('link', { name: 'Quarterly numbers' }).click();
  const envelope = page.locator('.envelope');
  await envelope.getByText('Received').waitFor();
  t.true((await envelope.textContent())!.includes(first));
  t.regex((await page.getByLabel('Authentication').first().textContent())!, /SPF \w+.*DKIM \w+.*DMARC \w+/);
  await page.getByText('the numbers are attached.', { exact: false }).waitFor();
  const messageUrl = page.url();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.getByRole('button', { name: 'Download numbers.csv' }).click()]);
  t.is(download.suggestedFilename(), 'numbers.csv');
  t.is((await readFile((await download.path())!)).toString(), 'quarter,total\nq3,42\n');
  t.true(download.url().startsWith('blob:'), 'the file comes from a blob of this page, not a URL with the token');
  await shots('24-message-received');

  // A deep link survives a reload.
  await page.reload();
  await page.getByRole('heading', { name: 'Quarterly numbers' }).waitFor();
  t.is(page.url(), messageUrl);

  // Reply from the second inbox: it goes back to the first, in the same thread.
  await page.getByRole('button', { name: 'Reply' }).click();
  await page.getByLabel('Reply text').fill('Thanks, received.');
  await shots('25-reply');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await page.getByRole('heading', { name: 'Re: Quarterly numbers' }).waitFor();
  await page.locator('.envelope').getByText('Sent', { exact: true }).waitFor();
  await page.getByRole('link', { name: 'View thread' }).click();
  await page.getByText('2 messages').waitFor();
  t.is(await page.locator('article.message').count(), 2);
  const bodies = await page.locator('article.message .mail-text').allTextContents();
  t.deepEqual(bodies, ['Hello Support,\nthe numbers are attached.', 'Thanks, received.']);
  await shots('26-thread');
  await page.getByRole('link', { name: 'Threads' }).click();
  await page.locator('.mail-item').filter({ hasText: '2 messages' }).waitFor();
  await shots('27-threads');

  // The reply arrived in the first inbox; search finds it, and keeps the search in the URL.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inboxes' }).click();
  await inboxRow(page, first).getByRole('link', { name: first }).click();
  await mailItem(page, 'Re: Quarterly numbers').getByText('Received').waitFor();
  await page.getByLabel('Search', { exact: true }).fill('Thanks, received');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: 'Messages matching “Thanks, received”' }).waitFor();
  await page.reload();
  await mailItem(page, 'Re: Quarterly numbers').waitFor();
  t.is(await page.locator('.mail-item').count(), 1);
  await page.getByLabel('Search', { exact: true }).fill('nothing like this');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('No messages match “nothing like this”.', { exact: false }).waitFor();
  await page.goBack();
  await mailItem(page, 'Re: Quarterly numbers').waitFor();

  // Sent or received only: the choice is in the URL too, and survives a reload.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('heading', { name: 'Messages', exact: true }).waitFor();
  await page.getByLabel('Show').selectOption('outbound');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: 'Sent messages', exact: true }).waitFor();
  t.regex(page.url(), /[?&]direction=outbound/);
  await page.reload();
  await mailItem(page, 'Quarterly numbers').waitFor();
  t.deepEqual(await page.locator('.mail-item .mail-subject').allTextContents(), ['Quarterly numbers']);
  await page.getByLabel('Show').selectOption('inbound');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: 'Received messages', exact: true }).waitFor();
  await mailItem(page, 'Re: Quarterly numbers').waitFor();
  t.deepEqual(await page.locator('.mail-item .mail-subject').allTextContents(), ['Re: Quarterly numbers']);
  await shots('27b-received-only');

  // Delete the second inbox, after a confirmation that says its mail goes too.
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inboxes' }).click();
  await inboxRow(page, second).getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete the inbox ${second}?` });
  await dialog.getByText('All of its mail goes with it', { exact: false }).waitFor();
  await screenshot(page, FOLDER, '28-delete-inbox');
  await dialog.getByRole('button', { name: 'Delete inbox and its mail' }).click();
  await inboxRow(page, second).waitFor({ state: 'detached' });
  const token = await page.evaluate<string>(`sessionStorage.getItem('sendook.dashboard.token')`);
  const orgId = /organizations\/([0-9a-f]+)\//.exec(page.url())![1];
  const inboxes = await app.get(`/organizations/${orgId}/inboxes`, { auth: token });
  t.deepEqual(inboxes.body.map((i: { email: string }) => i.email), [first]);

  t.deepEqual(problems, []);
  await context.close();
});

test.serial('a message received over SMTP shows its SPF, DKIM and DMARC verdicts', async (t) => {
  const account = await register(app);
  const inbox = (await app.get('/v1/inboxes', { auth: account.key })).body[0] as { id: string; email: string };
  const dkim = authenticatedDomain(dns, 'signed-e2e.test');
  await sendMail(smtpPort, { from: 'Grace <grace@signed-e2e.test>', to: inbox.email, subject: 'Signed and sealed', text: 'Verified mail.' }, dkim);
  const { context, page, problems } = await signedIn(account);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Inboxes' }).click();
  await page.getByRole('link', { name: inbox.email }).click();
  const item = mailItem(page, 'Signed and sealed');
  await item.getByText('SPF pass').waitFor();
  await item.getByRole('link', { name: 'Signed and sealed' }).click();
  const checks = page.locator('.envelope').getByLabel('Authentication');
  await checks.waitFor();
  t.is(await checks.textContent(), 'SPF passDKIM passDMARC pass');
  t.true((await page.locator('.envelope').textContent())!.includes('grace@signed-e2e.test'));
  await page.getByText('Verified mail.').waitFor();
  t.deepEqual(problems, []);
  await context.close();
});

test.serial('a send the mail server does not take shows the API refusal, then the message as failed with its error', async (t) => {
  // An instance whose SMTP relay is a closed port: every send is stored as failed (502 send_failed).
  const broken = await world.start({ SMTP_URL: `smtp://127.0.0.1:${await freePort()}`, SMTP_TIMEOUT_MS: '3000' });
  const account = await register(broken);
  const inbox = (await broken.get('/v1/inboxes', { auth: account.key })).body[0] as { id: string; email: string };
  const { context, page, problems } = await openDashboard(browser, broken.url);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'API Keys' }).waitFor();
  await page.goto(`/dashboard/organizations/${account.orgId}/inboxes/${inbox.id}/compose`);
  await page.getByLabel('To', { exact: true }).fill('nobody@example.test');
  await page.getByLabel('Subject', { exact: true }).fill('Into the void');
  await page.getByLabel('Message', { exact: true }).fill('Hello?');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('alert').getByText('The mail server did not accept the message; it is stored with status "failed".').waitFor();
  await page.getByRole('link', { name: inbox.email }).click();
  const item = mailItem(page, 'Into the void');
  await item.getByText('failed', { exact: true }).waitFor();
  await item.getByRole('link', { name: 'Into the void' }).click();
  const error = page.locator('.envelope .error-text');
  await error.waitFor();
  t.truthy(await error.textContent());
  await screenshot(page, FOLDER, '42-send-failed');
  t.deepEqual(problems, []);
  await context.close();
});
