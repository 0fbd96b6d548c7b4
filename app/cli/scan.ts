import type Redis from 'ioredis';

/** SCAN (never KEYS, which blocks a busy server) for keys starting with `prefix`, batch by batch. */
export async function scanPrefix(redis: Redis, prefix: string, onBatch: (keys: string[]) => Promise<void>): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length) await onBatch(keys);
    cursor = next;
  } while (cursor !== '0');
}
