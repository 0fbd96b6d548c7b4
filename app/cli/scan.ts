import { Cluster, type ChainableCommander, type Redis } from 'ioredis';

/** One Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type InspectRedis = Redis | Cluster;

/**
 * SCAN (never KEYS, which blocks a busy server) for keys starting with `prefix`, batch by batch.
 * On a cluster every master is scanned in turn; `node` is the server that holds the batch, so
 * per-key reads of it can go there in one pipeline.
 */
export async function scanPrefix(redis: InspectRedis, prefix: string, onBatch: (keys: string[], node: Redis) => Promise<void>): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await onBatch(keys, node);
      cursor = next;
    } while (cursor !== '0');
  }
}

type Replies = Array<[Error | null, unknown]>;

/**
 * The replies of `add`'s commands for each key. One pipeline (one round trip) on one Redis; on a
 * cluster one pipeline per key, run together, since the keys of a pipeline must share a slot.
 */
export async function perKey(redis: InspectRedis, keys: string[], add: (pipeline: ChainableCommander, key: string) => void): Promise<Replies[]> {
  if (keys.length === 0) return [];
  if (redis instanceof Cluster) {
    return Promise.all(
      keys.map(async (key) => {
        const pipeline = redis.pipeline();
        add(pipeline, key);
        return ((await pipeline.exec()) ?? []) as Replies;
      }),
    );
  }
  const pipeline = redis.pipeline();
  let perKeyCount = 0;
  for (const key of keys) {
    const before = pipeline.length;
    add(pipeline, key);
    perKeyCount = pipeline.length - before;
  }
  const replies = ((await pipeline.exec()) ?? []) as Replies;
  return keys.map((_, i) => replies.slice(i * perKeyCount, (i + 1) * perKeyCount));
}
