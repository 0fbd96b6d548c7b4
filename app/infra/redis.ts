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
  /** Write the commands sent in one turn of the event loop to the socket together (below). */
  batchWrites = false;
  /** Commands written into the corked socket since it was last flushed. */
  private held = 0;
  private uncorkScheduled = false;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): ReturnType<Redis['sendCommand']> {
    if (this.counters) this.counters.redisCommands++;
    this.deadline?.stamp(command);
    const batched = this.batchWrites && stream === undefined && this.status === 'ready' && this.cork();
    const sent = super.sendCommand(command, stream);
    if (batched && ++this.held >= MAX_BATCH) this.flush();
    return sent;
  }

  /**
   * Holds the socket's writes until the event loop's check phase, after the connections that had
   * data in this turn have been served, or until MAX_BATCH commands are held: the concurrent
   * requests' commands go out in a few writes instead of one write each. On loopback the sender
   * pays for the receiver's TCP work in each write, so this takes most of a system call per
   * request off the exact path. Held for the whole turn, though, a busy turn's commands all
   * reached Redis after the last of its requests was parsed, and the process and Redis took
   * turns instead of working at once: MAX_BATCH keeps both (docs/performance.md). ioredis's
   * auto-pipelining waits for the check phase too, but builds a Pipeline per batch and a
   * callback per command, and measured slower. True when this command is held.
   */
  private cork(): boolean {
    const socket = this.stream as Socket | undefined;
    if (!socket || !socket.writable) return false;
    // Only this client writes to its socket, so a corked socket is one this turn corked.
    if (socket.writableCorked === 0) {
      socket.cork();
      this.held = 0;
      if (!this.uncorkScheduled) {
        this.uncorkScheduled = true;
        setImmediate(this.endOfTurn);
      }
    }
    return true;
  }

  private flush(): void {
    const socket = this.stream as Socket | undefined;
    this.held = 0;
    while (socket && socket.writableCorked > 0) socket.uncork();
  }

  private readonly endOfTurn = (): void => {
    this.uncorkScheduled = false;
    this.flush();
  };
}

/**
 * At most this many commands wait in a corked socket before they are written. 8 and 16 measured
 * the same; 4 and a whole turn (26 of 32 connections' commands on average) measured slower.
 */
export const MAX_BATCH = 8;

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
