import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './helpers/eventually';
import { startServerProcess } from './helpers/process';
import { WebhookReceiver } from './helpers/webhookReceiver';

// Email resources in embedded mode, through the real entry point: SQLite, the in-process
// delivery queue and, with no SMTP_URL, the logging transport.
test('embedded: inboxes, sending through the logging transport, search and signed webhooks with retries', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sendook-email-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const receiver = await WebhookReceiver.start();
  t.teardown(() => receiver.close());
  const server = await startServerProcess({
    SQLITE_FILE: join(dir, 'sendook.sqlite'),
    WEBHOOK_ALLOW_PRIVATE: 'true',
    WEBHOOK_BACKOFF_MS: '50',
    WEBHOOK_MAX_ATTEMPTS: '2',
  });
  t.teardown(() => server.stop('SIGKILL'));
  const call = async (method: string, path: string, auth: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${auth}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  const registered = await fetch(`${server.url}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ada@example.test', password: 'long enough pw', first_name: 'Ada', last_name: 'L' }),
  }).then((r) => r.json() as Promise<any>);
  const key: string = registered.apiKey.key;
  const [defaultInbox] = (await call('GET', '/v1/inboxes', key)).body;
  t.is(defaultInbox.email, 'ada@sendook.local');

  const hook = await call('POST', '/v1/webhooks', key, { url: receiver.url('/embedded'), events: ['inbox.created', 'message.sent'] });
  t.is(hook.status, 201);
  receiver.behave('/embedded', (count) => (count === 1 ? 500 : 200));
  const inbox = await call('POST', '/v1/inboxes', key, { name: 'Ops' });
  t.is(inbox.body.email, 'ops@sendook.local');
  const [failed, retried] = await receiver.waitFor('/embedded', 2);
  t.is(failed!.body.event, 'inbox.created');
  t.is(retried!.body.id, failed!.body.id);
  t.true(WebhookReceiver.signedWith(retried!, hook.body.secret));

  const sent = await call('POST', `/v1/inboxes/${inbox.body.id}/messages/send`, key, { to: ['x@example.test'], subject: 'Up 100% today', text: 'all good' });
  t.is(sent.status, 201);
  t.is(sent.body.status, 'sent');
  await call('POST', `/v1/inboxes/${inbox.body.id}/messages/send`, key, { to: ['x@example.test'], subject: 'Up 1000 today', text: 'all good' });
  const reply = await call('POST', `/v1/inboxes/${inbox.body.id}/messages/${sent.body.id}/reply`, key, { text: 'thanks' });
  t.is(reply.body.threadId, sent.body.threadId);
  const found = await call('GET', `/v1/inboxes/${inbox.body.id}/messages?query=${encodeURIComponent('100%')}`, key);
  t.deepEqual(found.body.map((m: { id: string }) => m.id).sort(), [reply.body.id, sent.body.id].sort());
  await eventually(() => server.output().includes('logging transport'), 2000, 'the logging transport line');
  const logLine = server.output().split('\n').find((l) => l.includes('logging transport'))!;
  t.regex(logLine, /not sent to anyone/);
  await receiver.waitFor('/embedded', 1, (d) => d.body.event === 'message.sent' && d.body.messageId === sent.body.id);

  // Retries still waiting are dropped and the process still exits cleanly.
  receiver.behave('/embedded', () => 500);
  await call('POST', '/v1/inboxes', key, {});
  t.is(await server.stop('SIGTERM'), 0);
  const output = server.output();
  t.false(output.includes(key), 'the API key is never logged');
  t.false(output.includes(hook.body.secret), 'the webhook secret is never logged');
});
