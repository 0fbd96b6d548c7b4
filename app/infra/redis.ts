import Redis, { type Command, type RedisOptions } from 'ioredis';
import { CommandDeadlines } from './commandDeadlines';
import type { Counters } from './counters';

/**
 * An ioredis client that counts every command it sends (tests assert "at most one Redis round
 * trip per warm request", and the bench reports commands per request).
 */
export class CountingRedis extends Redis {
  counters?: Counters;
  /** The request-path deadline (createRedis); the subscriber has none. */
  deadlines?: CommandDeadlines;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): ReturnType<Redis['sendCommand']> {
    if (this.counters) this.counters.redisCommands++;
    const reply = super.sendCommand(command, stream);
    this.deadlines?.track(command);
    return reply;
  }
}

const common: RedisOptions = {
  connectTimeout: 2000,
  // Keep reconnecting forever, at most once a second, so service returns without a restart.
  retryStrategy: (times) => Math.min(times * 100, 1000),
  lazyConnect: true,
  // The ready check is an INFO command, subject to the command timeout: on a busy event loop it
  // times out and ioredis drops the connection it just made. A server still loading its data
  // answers LOADING errors instead, which callers treat as Redis being down.
  enableReadyCheck: false,
};

/** The request-path client: never makes a request wait long for Redis. */
export function createRedis(url: string, commandTimeoutMs: number, counters: Counters): CountingRedis {
  const client = new CountingRedis(url, {
    ...common,
    // Contract section 7: no request waits more than ~100 ms on Redis. Commands fail at once
    // while disconnected (no offline queue) and time out when a connected server stalls: by one
    // sweep (CommandDeadlines), not ioredis's commandTimeout, which arms a timer per command.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Auto-pipelining (one write for the commands of concurrent requests) measured 5-10% slower
    // here on the warm /v1 path, with its single command per request: the batching costs more
    // than the writes it saves (docs/performance.md).
    enableAutoPipelining: false,
  });
  client.counters = counters;
  client.deadlines = new CommandDeadlines(commandTimeoutMs);
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  client.on('error', () => {
    counters.redisErrors++;
  });
  return client;
}

/** The pub/sub client: off the request path, so it queues while disconnected and resubscribes. */
export function createSubscriber(url: string): CountingRedis {
  const client = new CountingRedis(url, { ...common, enableOfflineQueue: true, autoResubscribe: true });
  client.on('error', () => undefined);
  return client;
}
