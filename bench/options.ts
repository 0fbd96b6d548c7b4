import { join } from 'node:path';

/** What `npm run bench` reads from its environment (the server's own config stays in config/). */
export interface BenchOptions {
  /** Seconds of measurement per server per scenario, in 1-second slices. */
  durationSeconds: number;
  connections: number;
  outputDir: string;
  /** Server URLs without a database: the bench creates its own database and Redis prefix. */
  mysqlUrl: string;
  redisUrl: string;
  /** Comma-separated scenario names to run; empty: all. */
  only: string[];
  /** Keys provisioned for the cold-cache scenario, each sent once. */
  coldKeys: number;
  /** Keys spread round-robin over organizations: the many-keys scenario (1,000 over 100). */
  spreadKeys: number;
  spreadOrganizations: number;
}

export const ROOT = join(__dirname, '..');

// About a second's worth per API slice at the cold rate measured on the project's machine;
// provisioning them through the API is most of the bench's set-up time.
const COLD_KEYS_PER_SECOND = 500;

export function readBenchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const durationSeconds = positive('BENCH_DURATION', env.BENCH_DURATION, 5);
  return {
    durationSeconds,
    connections: positive('BENCH_CONNECTIONS', env.BENCH_CONNECTIONS, 32),
    outputDir: env.BENCH_OUTPUT_DIR || join(ROOT, 'bench', 'results'),
    mysqlUrl: env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306',
    redisUrl: env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379',
    only: (env.BENCH_SCENARIOS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    coldKeys: positive('BENCH_COLD_KEYS', env.BENCH_COLD_KEYS, COLD_KEYS_PER_SECOND * durationSeconds),
    // Smaller values only shorten provisioning (the smoke test); the results record them.
    spreadKeys: positive('BENCH_KEYS', env.BENCH_KEYS, 1000),
    spreadOrganizations: positive('BENCH_ORGS', env.BENCH_ORGS, 100),
  };
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
