import type { Socket } from 'node:net';
import Redis, { type Command, type RedisOptions } from 'ioredis';
import type { Counters } from './counters';
import { CommandDeadline } from './redisDeadline';

/**
 * An ioredis client that counts every command it sends (tests assert "at most one Redis round
 * trip per warm request", and the bench reports commands per request). On the request path it
 * also keeps the deadline (CommandDeadline) and batches its writes (below).
 */
export class CountingRedis extends Redis {
  counters?: Counters;
  deadline?: CommandDeadline;
  /** Write every command sent in one turn of the event loop to the socket at once. */
  batchWrites = false;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): ReturnType<Redis['sendCommand']> {
    if (this.counters) this.counters.redisCommands++;
    this.deadline?.stamp(command);
    if (this.batchWrites && stream === undefined && this.status === 'ready') this.cork();
    return super.sendCommand(command, stream);
  }

  /**
   * Holds the socket's writes until the event loop's check phase, after every connection that
   * had data in this turn has been served: the concurrent requests' commands then go out in one
   * write instead of one write each. On loopback the sender pays for the receiver's TCP work in
   * its write, so this takes about one system call per request off the exact path
   * (docs/performance.md). ioredis's auto-pipelining waits for the check phase too, but builds a
   * Pipeline per batch and a callback per command, and measured slower.
   */
  private cork(): void {
    const socket = this.stream as Socket | undefined;
    // Corked already: this turn's uncork is scheduled. Only this client writes to its socket.
    if (!socket || !socket.writable || socket.writableCorked > 0) return;
    socket.cork();
    setImmediate(() => socket.uncork());
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
    // No request waits more than ~100 ms on Redis (docs/reliability.md). Commands fail at once
    // while disconnected (no offline queue) and time out when a connected server stalls
    // (CommandDeadline, in place of ioredis's commandTimeout and its timer per command).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Auto-pipelining measured 5-10% slower here on the warm /v1 path, with its single command
    // per request; batchWrites (above) batches the writes without it.
    enableAutoPipelining: false,
  });
  client.counters = counters;
  client.deadline = new CommandDeadline(client, commandTimeoutMs);
  client.batchWrites = true;
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
