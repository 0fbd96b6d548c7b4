import Redis, { Cluster } from 'ioredis';
import type { Config } from '../../config';
import type { Counters } from './counters';
import { createRedis, createSubscriber, type CountingRedis } from './redis';
import { createClusterQueueConnection, createClusterRedis, createClusterSubscriber, type CountingCluster } from './redisCluster';

/**
 * The one seam between "one Redis" (REDIS_URL) and "a Redis Cluster" (REDIS_CLUSTER_NODES).
 * Everything above app/infra/ takes a RedisClient and uses only what both ioredis classes share
 * (single-key commands, one-key scripts, publish/subscribe, status and 'ready').
 */
export type RedisClient = CountingRedis | CountingCluster;
export type RedisTarget = NonNullable<Config['redis']>;

/** The request-path client: 100 ms deadline, no offline queue, counted. */
export function createCommandClient(target: RedisTarget, counters: Counters): RedisClient {
  return target.clusterNodes
    ? createClusterRedis(target.clusterNodes, target.commandTimeoutMs, counters)
    : createRedis(target.url, target.commandTimeoutMs, counters);
}

/** The invalidation subscriber: off the request path, queues while disconnected, resubscribes. */
export function createSubscriberClient(target: RedisTarget): RedisClient {
  return target.clusterNodes ? createClusterSubscriber(target.clusterNodes) : createSubscriber(target.url);
}

/** A connection for BullMQ, reconnecting as `reconnect` says (null: stop). */
export function createQueueConnection(target: RedisTarget, reconnect: (times: number) => number | null): Redis | Cluster {
  if (target.clusterNodes) return createClusterQueueConnection(target.clusterNodes, reconnect);
  return new Redis(target.url, { maxRetriesPerRequest: null, connectTimeout: 2000, retryStrategy: reconnect });
}

export function isCluster(client: Redis | Cluster): client is Cluster {
  return client instanceof Cluster;
}

/**
 * Calls `onGap` after the subscriber may have missed messages: on one node, when a dropped
 * connection is back; on a cluster, when a node left the cluster (its subscription, if it held
 * ours, moves to another node, and what was published meanwhile is gone).
 */
export function onSubscriptionGap(subscriber: RedisClient, onGap: () => void): void {
  if (isCluster(subscriber)) {
    subscriber.on('-node', onGap);
    return;
  }
  let cutOff = false;
  subscriber.on('close', () => (cutOff = true));
  subscriber.on('ready', () => {
    if (!cutOff) return;
    cutOff = false;
    onGap();
  });
}
