import test from 'ava';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { eventually } from './helpers/eventually';
import { register, TestWorld, type TestApp } from './helpers/testApp';

// A webhook target that sends its headers and then never ends the body used to
// keep one socket open per delivery, forever. Every attempt now has one deadline covering the
// headers and the body, reads at most a few KB of the answer, and destroys its socket.

/** A real target that counts the sockets it holds open. `answer` writes what the test wants. */
async function target(answer: (res: import('node:http').ServerResponse) => void) {
  const open = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      answer(res);
    });
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    open: () => open.size,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let world: TestWorld;
let app: TestApp;
const TIMEOUT_MS = 400;
test.before(async () => {
  world = await TestWorld.create();
  app = await world.start({ WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS), WEBHOOK_CONCURRENCY: '10' });
});
test.after.always(async () => {
  await world?.close();
});

async function attemptsOf(account: { key: string }, webhookId: string, count: number) {
  return eventually(
    async () => {
      const res = await app.get(`/v1/webhooks/${webhookId}/attempts?limit=100`, { auth: account.key });
      return res.body.length >= count ? res.body : undefined;
    },
    20_000,
    `${count} attempts`,
  );
}

test.serial('a target that sends headers and never ends its body: each attempt fails with a timeout and leaves no socket open', async (t) => {
  const endless = await target((res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('still thinking');
  });
  t.teardown(endless.close);
  const account = await register(app);
  const hook = await app.post('/v1/webhooks', { auth: account.key, body: { url: endless.url, events: ['inbox.created'] } });
  t.is(hook.status, 201);
  const deliveries = 30;
  for (let i = 0; i < deliveries; i++) {
    const res = await app.post(`/v1/webhooks/${hook.body.id}/test`, { auth: account.key });
    t.true(res.status < 300, JSON.stringify(res.body));
  }
  const attempts = await attemptsOf(account, hook.body.id, deliveries);
  t.is(attempts.length, deliveries);
  for (const a of attempts) {
    t.false(a.success);
    t.regex(a.error, /timed out/);
    t.true(a.durationMs >= TIMEOUT_MS - 20, `duration ${a.durationMs}`);
  }
  t.is(endless.requests(), deliveries);
  // Once the attempts are recorded their sockets are gone (a moment for the FIN to arrive).
  await eventually(() => endless.open() === 0, 3000, 'the target to hold no socket').catch(() => undefined);
  t.is(endless.open(), 0, 'sockets still open at the target');
});

test.serial('a target that streams an endless body: the answer is cut after a few KB and its status counts', async (t) => {
  const chunk = 'x'.repeat(16 * 1024);
  let written = 0;
  const firehose = await target((res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) written += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  t.teardown(firehose.close);
  const account = await register(app);
  const hook = await app.post('/v1/webhooks', { auth: account.key, body: { url: firehose.url, events: ['inbox.created'] } });
  await app.post(`/v1/webhooks/${hook.body.id}/test`, { auth: account.key });
  const [attempt] = await attemptsOf(account, hook.body.id, 1);
  t.true(attempt.success);
  t.is(attempt.status, 200);
  t.true(attempt.durationMs < TIMEOUT_MS, `cut at once, not at the deadline (${attempt.durationMs} ms)`);
  await eventually(() => firehose.open() === 0, 3000, 'the target to hold no socket').catch(() => undefined);
  t.is(firehose.open(), 0);
  t.true(written < 16 * 1024 * 1024, `the target wrote ${written} bytes before the socket closed`);
});
