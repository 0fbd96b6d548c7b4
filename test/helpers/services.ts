import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import Redis from 'ioredis';

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
export async function deleteRedisPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
