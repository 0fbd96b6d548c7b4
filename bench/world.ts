import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createConnection, type Connection } from 'mysql2/promise';

/**
 * The bench's own database and Redis prefix on the machine's MySQL and Redis, and the admin
 * connections that read their status. Removed afterwards: the database dropped, the prefix
 * deleted with SCAN + DEL (never KEYS or FLUSHALL: the servers are shared).
 */
export class BenchWorld {
  private constructor(
    readonly databaseName: string,
    readonly databaseUrl: string,
    readonly redisPrefix: string,
    readonly mysql: Connection,
    readonly redis: Redis,
  ) {}

  static async create(mysqlServerUrl: string, redisUrl: string): Promise<BenchWorld> {
    const suffix = randomBytes(5).toString('hex');
    const name = `sendook_bench_${suffix}`;
    const url = new URL(mysqlServerUrl);
    url.pathname = `/${name}`;
    const mysql = await createConnection({ uri: mysqlServerUrl });
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    // The first server creates the database and migrates it (MIGRATE_ON_START).
    return new BenchWorld(name, url.toString(), `bench:${suffix}:`, mysql, redis);
  }

  /** Deletes the prefix's keys matching `pattern` (after the prefix), e.g. `apikey:*`. */
  async deleteKeys(pattern = '*'): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.redisPrefix}${pattern}`, 'COUNT', 1000);
      if (keys.length) deleted += await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  }

  async versions(): Promise<{ mysql: string; redis: string }> {
    const [rows] = await this.mysql.query('SELECT VERSION() AS v');
    const info = await this.redis.info('server');
    return { mysql: (rows as Array<{ v: string }>)[0]!.v, redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  }

  async destroy(): Promise<void> {
    await this.mysql.query(`DROP DATABASE IF EXISTS \`${this.databaseName}\``).catch(() => undefined);
    await this.deleteKeys().catch(() => undefined);
    await this.mysql.end().catch(() => undefined);
    this.redis.disconnect();
  }
}
