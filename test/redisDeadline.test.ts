import test from 'ava';
import { Counters } from '../app/infra/counters';
import { createRedis } from '../app/infra/redis';
import { RedisServer } from './helpers/redisServer';

// The request-path client's 100 ms deadline (contract section 7) is one sweep for all pending
// commands (app/infra/commandDeadlines.ts), not a timer per command. A private redis-server is
// frozen here; the machine's shared one is never touched.
test('a command to a stalled Redis fails with "Command timed out" 100-200 ms after it was sent', async (t) => {
  const server = await RedisServer.start();
  const redis = createRedis(server.url, 100, new Counters());
  t.teardown(async () => {
    redis.disconnect();
    await server.stop();
  });
  await redis.connect();
  t.is(await redis.ping(), 'PONG');

  server.freeze();
  const waits = await Promise.all(
    [0, 30, 60].map(async (delay) => {
      await new Promise((r) => setTimeout(r, delay));
      const sent = performance.now();
      const err = await redis.get('anything').then(() => null, (e: Error) => e);
      return { message: err?.message, ms: performance.now() - sent };
    }),
  );
  for (const { message, ms } of waits) {
    t.is(message, 'Command timed out');
    t.true(ms >= 99 && ms < 200, `failed after ${ms.toFixed(1)} ms`);
  }

  server.thaw();
  // The replies to the timed-out commands still arrive and are dropped; the client goes on.
  t.is(await redis.ping(), 'PONG');
});

test('answered commands are let go and the sweep stops when the client is idle', async (t) => {
  const server = await RedisServer.start();
  const redis = createRedis(server.url, 100, new Counters());
  t.teardown(async () => {
    redis.disconnect();
    await server.stop();
  });
  await redis.connect();
  await Promise.all(Array.from({ length: 500 }, (_, i) => redis.set(`k${i}`, String(i))));
  t.true(redis.deadlines!.tracked > 0);
  await new Promise((r) => setTimeout(r, 300));
  t.is(redis.deadlines!.tracked, 0);
  t.is(redis.deadlines!.running, false);
});
