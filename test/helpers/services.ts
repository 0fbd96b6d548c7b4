import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import Redis, { Cluster } from 'ioredis';

// `npm test` (scripts/test.ts) finds or starts MySQL and Redis and passes their URLs here.
// Running ava directly falls back to the machine's local services.
export const MYSQL_SERVER_URL = process.env.SENDOOK_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const REDIS_URL = process.env.SENDOOK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function randomSuffix(): string {
  return randomBytes(5).toString('hex');
}

/** A database of its own for one test file (ava runs files in parallel). */
export async function createDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `sendook_t_${randomSuffix()}`;
  const admin = knexFactory({ client: 'mysql2', connection: { uri: MYSQL_SERVER_URL }, pool: { min: 0, max: 1 } });
  await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  const url = new URL(MYSQL_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
      await admin.destroy();
    },
  };
}

/** Deletes every key under a test prefix (SCAN, never KEYS or FLUSHDB: the server is shared). */
export async function deleteRedisPrefix(prefix: string, target: { url?: string; clusterNodes?: string } = {}): Promise<void> {
  const redis = target.clusterNodes
    ? new Cluster(target.clusterNodes.split(',').map((hostPort) => ({ host: hostPort.split(':')[0]!, port: Number(hostPort.split(':')[1]) })), {
        lazyConnect: true,
        // A few attempts, then give up: a world's cleanup must not hang on a cluster that is gone.
        clusterRetryStrategy: (times) => (times > 5 ? null : 200),
        redisOptions: { connectTimeout: 2000, maxRetriesPerRequest: 1 },
      })
    : new Redis(target.url ?? REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    // One DEL per key: on a cluster the keys of a batch live in different slots.
    await scanKeys(redis, `${prefix}*`, async (keys) => void (await Promise.all(keys.map((k) => redis.del(k)))));
  } finally {
    redis.disconnect();
  }
}

/** SCAN for `match` on one Redis, or on every master of a cluster. */
export async function scanKeys(redis: Redis | Cluster, match: string, onBatch: (keys: string[]) => Promise<void>): Promise<void> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 500);
      if (keys.length) await onBatch(keys);
      cursor = next;
    } while (cursor !== '0');
  }
}

/** Every key matching `match` (tests only: SCAN, never KEYS). */
export async function listKeys(redis: Redis | Cluster, match: string): Promise<string[]> {
  const all: string[] = [];
  await scanKeys(redis, match, async (keys) => void all.push(...keys));
  return all;
}
