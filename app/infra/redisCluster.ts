import { Cluster, type ClusterOptions, type Command, type RedisOptions } from 'ioredis';
import type { RedisNode } from '../../config';
import type { Counters } from './counters';
import { TIMED_OUT_MESSAGE } from './redisDeadline';

type SendCommand = Cluster['sendCommand'];

/**
 * An ioredis Cluster that counts the commands it is asked to send, as CountingRedis does on one
 * node (tests assert commands per request on both topologies). MOVED/ASK redirections and
 * failover retries happen inside ioredis without coming back here, so each command counts once.
 */
export class CountingCluster extends Cluster {
  counters?: Counters;
  /** The request path's deadline, armed on every command (see createClusterRedis). */
  deadlineMs?: number;

  override sendCommand(...args: Parameters<SendCommand>): ReturnType<SendCommand> {
    const [command] = args;
    if (this.counters) this.counters.redisCommands++;
    // One deadline for the whole command, redirections and failover retries included.
    if (this.deadlineMs !== undefined) armDeadline(command, this.deadlineMs);
    return super.sendCommand(...args);
  }
}

/**
 * ioredis's per-command timeout (Command#setTimeout), except that an overdue command is failed
 * after the event loop's poll phase, not in its timers phase: when the process itself was held
 * up past the deadline (a saturated CPU), a reply that came in time is read first instead of
 * being taken for a timeout (the same reason as CommandDeadline's on one node). The timer sits
 * in the command's own slot, so ioredis clears it when the reply comes, and the node clients'
 * `commandTimeout` and retries find it armed and arm nothing more (ioredis is pinned: this
 * relies on its internals).
 */
export function armDeadline(command: Command, deadlineMs: number): void {
  // A private field of ioredis's Command, reached around its type.
  const slot = command as unknown as { _commandTimeoutTimer?: NodeJS.Timeout };
  slot._commandTimeoutTimer ??= setTimeout(failAfterPoll, deadlineMs, command);
}

function failAfterPoll(command: Command): void {
  setImmediate(failIfUnanswered, command);
}

function failIfUnanswered(command: Command): void {
  if (!command.isResolved) command.reject(new Error(TIMED_OUT_MESSAGE));
}

const nodeOptions: RedisOptions = {
  connectTimeout: 2000,
  // As on one node (app/infra/redis.ts): no INFO ready check that a busy event loop could time out.
  enableReadyCheck: false,
};

const SUBSCRIBER_SLOTS_REFRESH_MS = 2000;

const common: ClusterOptions = {
  lazyConnect: true,
  enableReadyCheck: false,
  // Reconnect to the cluster forever, at most once a second, so service returns without a restart.
  clusterRetryStrategy: (times) => Math.min(times * 100, 1000),
  // Budgets must be exact and invalidated cache entries gone: read from masters only.
  scaleReads: 'master',
};

/**
 * The request-path client on a cluster, with the same fault handling as on one node
 * (docs/reliability.md): no offline queue (a command fails at once while the cluster is not
 * ready), one deadline per command. During a failover ioredis retries `CLUSTERDOWN`, `TRYAGAIN`
 * and closed connections after a short delay, short enough that a retry may still land on the
 * promoted replica within the deadline; past it the command fails and the caller's circuit
 * breaker sends traffic to its fallbacks.
 */
export function createClusterRedis(nodes: RedisNode[], commandTimeoutMs: number, counters: Counters): CountingCluster {
  const retryDelay = Math.max(5, Math.floor(commandTimeoutMs / 4));
  const client = new CountingCluster(nodes, {
    ...common,
    enableOfflineQueue: false,
    enableAutoPipelining: false,
    retryDelayOnFailover: retryDelay,
    retryDelayOnClusterDown: retryDelay,
    retryDelayOnTryAgain: retryDelay,
    redisOptions: { ...nodeOptions, commandTimeout: commandTimeoutMs, maxRetriesPerRequest: 0 },
  });
  client.counters = counters;
  client.deadlineMs = commandTimeoutMs;
  client.on('error', () => {
    counters.redisErrors++;
  });
  return client;
}

/**
 * The pub/sub client on a cluster. Regular SUBSCRIBE on one node of ioredis' choosing: a PUBLISH
 * on any node is broadcast over the cluster bus to every node, and ioredis moves the subscription
 * to another node when that one goes away (docs/scaling.md).
 */
export function createClusterSubscriber(nodes: RedisNode[]): CountingCluster {
  const client = new CountingCluster(nodes, {
    ...common,
    enableOfflineQueue: true,
    redisOptions: nodeOptions,
    // A node that failed leaves the slot map at the next refresh, which emits '-node': the
    // container then drops the in-process caches, as messages may have been missed meanwhile.
    slotsRefreshInterval: SUBSCRIBER_SLOTS_REFRESH_MS,
  });
  client.on('error', () => undefined);
  return client;
}

/** BullMQ's connections on a cluster: blocking commands need `maxRetriesPerRequest: null`. */
export function createClusterQueueConnection(nodes: RedisNode[], reconnect: (times: number) => number | null): Cluster {
  const client = new Cluster(nodes, {
    clusterRetryStrategy: reconnect,
    scaleReads: 'master',
    redisOptions: { connectTimeout: 2000, maxRetriesPerRequest: null },
  });
  client.on('error', () => undefined);
  return client;
}
