import type { Socket } from 'node:net';
import test from 'ava';
import { Command, Redis } from 'ioredis';
import { Counters } from '../app/infra/counters';
import { createRedis, MAX_BATCH } from '../app/infra/redis';
import { armDeadline } from '../app/infra/redisCluster';
import { RedisServer } from './helpers/redisServer';

// The request-path client createRedis builds: its 100 ms deadline (docs/reliability.md), kept by one
// sweep per connection (app/infra/redisDeadline.ts), and its writes batched per turn of the event
// loop, at most MAX_BATCH to a write. A private redis-server is frozen here; the shared one is
// never touched.
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
      // A plain 100 ms timer set at the same moment: on a busy machine timers fire late, and the
      // sweep may be as late as they are, but not much later.
      const timer = new Promise<number>((r) => setTimeout(() => r(performance.now()), 100));
      const err = await redis.get('anything').then(() => null, (e: Error) => e);
      const failedAt = performance.now();
      return { message: err?.message, ms: failedAt - sent, afterTimer: failedAt - (await timer) };
    }),
  );
  for (const { message, ms, afterTimer } of waits) {
    t.is(message, 'Command timed out');
    t.true(ms >= 99, `failed after ${ms.toFixed(1)} ms`);
    // 100-110 ms by design (10 ms generations); 100 ms of slack for a loaded event loop.
    t.true(ms < 200 || afterTimer < 100, `failed after ${ms.toFixed(1)} ms, ${afterTimer.toFixed(1)} ms after a 100 ms timer`);
  }

  server.thaw();
  // The replies to the timed-out commands still arrive and are dropped; the client goes on.
  t.is(await redis.ping(), 'PONG');
});

test('commands sent in one turn of the event loop go out in one write, and each gets its own reply', async (t) => {
  const server = await RedisServer.start();
  const counters = new Counters();
  const redis = createRedis(server.url, 100, counters);
  t.teardown(async () => {
    redis.disconnect();
    await server.stop();
  });
  await redis.connect();
  await redis.set('a', '1');
  await redis.set('b', '2');

  const socket = redis.stream as Socket;
  const writes: number[] = [];
  const write = socket._writev!.bind(socket);
  socket._writev = (chunks, callback) => {
    writes.push(chunks.length);
    write(chunks, callback);
  };
  const before = counters.redisCommands;
  const replies = Promise.all(['a', 'b', 'a', 'missing', 'b'].map((key) => redis.get(key)));
  t.is(socket.writableCorked, 1, 'held until the check phase');
  t.deepEqual(await replies, ['1', '2', '1', null, '2']);
  t.deepEqual(writes, [5], 'five commands, one write');
  t.is(counters.redisCommands - before, 5);
  t.is(socket.writableCorked, 0);
});

test(`a busy turn's commands go out ${MAX_BATCH} at a time as they come, the rest at the end of the turn`, async (t) => {
  const server = await RedisServer.start();
  const redis = createRedis(server.url, 100, new Counters());
  t.teardown(async () => {
    redis.disconnect();
    await server.stop();
  });
  await redis.connect();
  await redis.ping();

  const socket = redis.stream as Socket;
  const writes: number[] = [];
  const write = socket._writev!.bind(socket);
  socket._writev = (chunks, callback) => {
    writes.push(chunks.length);
    write(chunks, callback);
  };
  const count = 2 * MAX_BATCH + 3;
  const replies = Promise.all(Array.from({ length: count }, () => redis.incr('n')));
  // Still in the same turn: two full batches are on their way to Redis, three commands are held.
  t.deepEqual(writes, [MAX_BATCH, MAX_BATCH]);
  t.is(socket.writableCorked, 1);
  t.deepEqual(await replies, Array.from({ length: count }, (_, i) => i + 1));
  t.deepEqual(writes, [MAX_BATCH, MAX_BATCH, 3]);
  t.is(socket.writableCorked, 0);
});

test.serial('a reply Redis sent in time is not a timeout when the process itself was held up past the deadline', async (t) => {
  const server = await RedisServer.start();
  const redis = createRedis(server.url, 50, new Counters());
  t.teardown(async () => {
    redis.disconnect();
    await server.stop();
  });
  await redis.connect();
  t.is(await redis.ping(), 'PONG');

  const reply = redis.ping().then((r) => r, (e: Error) => e.message);
  // Serial: the busy loop below would hold up this file's other tests too.
  // Let the batched write go out (check phase), then keep the event loop busy for three
  // deadlines, as a starved CPU or a long GC pause would. Redis answers within a millisecond, so
  // the reply waits unread in the socket while the sweep's timer comes due.
  await new Promise((r) => setImmediate(r));
  const busyUntil = performance.now() + 150;
  while (performance.now() < busyUntil);
  t.is(await reply, 'PONG');
});

// The cluster client's deadline (armDeadline, one timer per command in ioredis's own slot),
// tried on a plain client of one private server: the same command objects a cluster sends.
test.serial('the cluster deadline also reads a reply that came in time before failing, and still fails a stalled server', async (t) => {
  const server = await RedisServer.start();
  const redis = new Redis(server.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  t.teardown(async () => {
    redis.disconnect();
    await server.stop();
  });
  await redis.connect();
  const ping = () => {
    const command = new Command('ping', []);
    armDeadline(command, 50);
    void redis.sendCommand(command);
    return command.promise.then((r) => String(r), (e: Error) => e.message);
  };

  const reply = ping();
  await new Promise((r) => setImmediate(r));
  const busyUntil = performance.now() + 150;
  while (performance.now() < busyUntil);
  t.is(await reply, 'PONG');

  server.freeze();
  const sent = performance.now();
  t.is(await ping(), 'Command timed out');
  t.true(performance.now() - sent >= 49);
  server.thaw();
});
