import type Redis from 'ioredis';
import type { Connection } from 'mysql2/promise';

/** MySQL `Questions` and the sum of Redis `INFO commandstats` calls: the servers' own accounts. */
export interface StatusSample {
  mysqlQuestions: number;
  redisCalls: number;
}

/**
 * Reads the servers' statistics around a measured run. They are machine-wide: on a shared MySQL
 * or Redis they include every other client's traffic, so the bench reports them next to the exact
 * per-process counters as a cross-check, never instead of them. The reads themselves show up in
 * the next read; `calibrate` measures that and `delta` subtracts it.
 */
export class ServerStatus {
  private overhead: StatusSample = { mysqlQuestions: 0, redisCalls: 0 };

  constructor(
    private readonly mysql: Connection,
    private readonly redis: Redis,
  ) {}

  async sample(): Promise<StatusSample> {
    const [rows] = await this.mysql.query("SHOW GLOBAL STATUS LIKE 'Questions'");
    const info = await this.redis.info('commandstats');
    let redisCalls = 0;
    for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) redisCalls += Number(match[1]);
    return { mysqlQuestions: Number((rows as Array<{ Value: string }>)[0]!.Value), redisCalls };
  }

  /** The smallest delta of back-to-back samples: what sampling alone adds. */
  async calibrate(): Promise<void> {
    let previous = await this.sample();
    let best: StatusSample | null = null;
    for (let i = 0; i < 5; i++) {
      const next = await this.sample();
      const d = { mysqlQuestions: next.mysqlQuestions - previous.mysqlQuestions, redisCalls: next.redisCalls - previous.redisCalls };
      best = best ? { mysqlQuestions: Math.min(best.mysqlQuestions, d.mysqlQuestions), redisCalls: Math.min(best.redisCalls, d.redisCalls) } : d;
      previous = next;
    }
    this.overhead = best!;
  }

  delta(before: StatusSample, after: StatusSample): StatusSample {
    return {
      mysqlQuestions: Math.max(0, after.mysqlQuestions - before.mysqlQuestions - this.overhead.mysqlQuestions),
      redisCalls: Math.max(0, after.redisCalls - before.redisCalls - this.overhead.redisCalls),
    };
  }
}
