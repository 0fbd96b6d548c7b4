import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../app/app';
import { buildDeps } from '../app/container';
import { createHttpServer } from '../app/server';
import { loadConfig } from '../config';
import { SmtpReceiver } from './helpers/smtpReceiver';
import { register, TestApp } from './helpers/testApp';

// Idempotency-Key embedded: SQLite and no Redis, so the database row alone holds the in-progress
// state. Instances are built in process on one SQLite file; a restart is a new instance on it.
let dir: string;
let smtp: SmtpReceiver;
test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sendook-idem-'));
  smtp = await SmtpReceiver.start();
});
test.after.always(async () => {
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startEmbedded(file: string): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', SQLITE_FILE: join(dir, file), SMTP_URL: smtp.url, LOG_LEVEL: 'silent' });
  const deps = await buildDeps(config, pino({ level: 'silent' }));
  const server = createHttpServer(createApp(deps), deps.logger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new TestApp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, deps, server);
}

test('embedded: replayed once stored, across a restart; 422 for other content; a running request holds the key without Redis', async (t) => {
  let app = await startEmbedded('restart.sqlite');
  t.teardown(() => app.close());
  t.is(app.deps.redis, null);
  const account = await register(app);
  const inbox = (await app.post('/v1/inboxes', { auth: account.key, body: { name: 'Embedded' } })).body;
  const path = `/v1/inboxes/${inbox.id}/messages/send`;
  const body = { to: ['carol@example.test'], subject: 'Embedded once', text: 'hello' };
  const send = (key: string, content: unknown = body) => app.post(path, { auth: account.key, body: content, headers: { 'idempotency-key': key } });

  const first = await send('embedded-1');
  t.is(first.status, 201);
  const replay = await send('embedded-1');
  t.is(replay.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(replay.body, first.body);
  t.is((await send('embedded-1', { ...body, text: 'other' })).body.code, 'idempotency_key_reused');

  await app.close();
  app = await startEmbedded('restart.sqlite');
  const afterRestart = await send('embedded-1');
  t.is(afterRestart.headers.get('idempotent-replayed'), 'true');
  t.deepEqual(afterRestart.body, first.body);

  // A request still running (reserved through the service, as the middleware does) holds its key.
  const claim = await app.deps.idempotency.claim({ organizationId: account.orgId, key: 'embedded-2', method: 'POST', url: path, body });
  t.is(claim.kind, 'run');
  const busy = await send('embedded-2');
  t.is(busy.status, 409);
  t.is(busy.headers.get('retry-after'), '1');
  if (claim.kind === 'run') await claim.reservation.release();
  t.is((await send('embedded-2')).status, 201, 'released: the retry runs');

  // Concurrent requests with one key on SQLite: one runs.
  const answers = await Promise.all(Array.from({ length: 4 }, () => send('embedded-3', { ...body, subject: 'Embedded race' })));
  t.is(answers.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null).length, 1);
  t.true(answers.every((r) => r.status === 409 || r.status === 201));
  t.is(smtp.mails.filter((m) => m.parsed.subject === 'Embedded race').length, 1);
  t.is(smtp.mails.filter((m) => m.parsed.subject === 'Embedded once').length, 2, 'embedded-1 once, embedded-2 once');
});
