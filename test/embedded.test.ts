import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from './helpers/process';

test('with no MySQL and no Redis configured the server runs embedded and says so', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sendook-embedded-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startServerProcess({ SQLITE_FILE: join(dir, 'sendook.sqlite') });
  t.teardown(() => server.stop('SIGKILL'));
  const lines = server.output().split('\n').filter((l) => l.includes('embedded mode'));
  t.is(lines.length, 1);

  const health = await fetch(`${server.url}/health`).then((r) => r.json());
  t.deepEqual(health, { healthy: true, mysql: 'embedded', redis: 'embedded' });

  const registered = await fetch(`${server.url}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'embedded@example.test', password: 'long enough pw', first_name: 'E', last_name: 'M' }),
  });
  t.is(registered.status, 201);
  const { apiKey } = (await registered.json()) as { apiKey: { key: string; id: string } };
  const call = (path: string, method = 'GET') => fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${apiKey.key}` } });
  // Migration 004 on SQLite: a scoped key, restricted to the default inbox, rolled.
  const inboxes = (await (await call('/v1/inboxes')).json()) as { id: string }[];
  const scoped = await fetch(`${server.url}/v1/api_keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'scoped', scopes: ['inboxes:read'], inboxIds: [inboxes[0]!.id] }),
  }).then((r) => r.json() as Promise<{ id: string; key: string }>);
  const rolled = await fetch(`${server.url}/v1/api_keys/${scoped.id}/roll`, { method: 'POST', headers: { authorization: `Bearer ${apiKey.key}` } });
  t.is(rolled.status, 201);
  t.like(await rolled.json(), { scopes: ['inboxes:read'], inboxIds: [inboxes[0]!.id], rolledFrom: scoped.id });
  t.is((await fetch(`${server.url}/v1/webhooks`, { headers: { authorization: `Bearer ${scoped.key}` } })).status, 403);

  const ok = await call('/v1/health');
  t.is(ok.status, 200);
  t.is(ok.headers.get('ratelimit-policy'), '1000;w=60');
  t.is((await call(`/v1/api_keys/${apiKey.id}`, 'DELETE')).status, 200);
  t.is((await call('/v1/health')).status, 401);

  // SIGTERM: a clean exit with code 0.
  t.is(await server.stop('SIGTERM'), 0);
  t.false(server.output().includes(apiKey.key), 'the key is never logged');
});
