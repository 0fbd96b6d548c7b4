import Redis, { type Command, type RedisOptions } from 'ioredis';
import type { Counters } from './counters';

/**
 * An ioredis client that counts every command it sends (tests assert "at most one Redis round
 * trip per warm request", and the bench reports commands per request).
 */
export class CountingRedis extends Redis {
  counters?: Counters;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): ReturnType<Redis['sendCommand']> {
    if (this.counters) this.counters.redisCommands++;
    return super.sendCommand(command, stream);
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
    // while disconnected (no offline queue) and time out when a connected server stalls.
    // ioredis's commandTimeout arms a timer per command; one sweep over our own list of pending
    // commands was tried and measured slower (0.52 against 0.60 of bare Koa on the floor with
    // these options, docs/performance.md): it kept every command alive for 100 ms, for the GC.
    enableOfflineQueue: false,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
    // Auto-pipelining (one write for the commands of concurrent requests) measured 5-10% slower
    // here on the warm /v1 path, with its single command per request: the batching costs more
    // than the writes it saves (docs/performance.md).
    enableAutoPipelining: false,
  });
  client.counters = counters;
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
