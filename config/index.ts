import { envSchema, type RedisNode } from './schema';

export type { RedisNode };

/** The typed configuration every part of the server receives from the composition root. */
export interface Config {
  env: 'development' | 'production' | 'test';
  http: { port: number; host: string; bodyLimit: string };
  /** `mysql` when MYSQL_URL is set; otherwise the embedded SQLite file. */
  database: { client: 'mysql'; url: string; poolMax: number; connectTimeoutMs: number; acquireTimeoutMs: number } | { client: 'sqlite'; file: string };
  migrateOnStart: boolean;
  /**
   * Unset means the in-process cache, limiter and invalidation bus (one instance only).
   * `clusterNodes` (REDIS_CLUSTER_NODES) selects a Redis Cluster; then `url` names its first seed
   * node, for messages only: clients are made by app/infra/redisClients.ts, never from `url`.
   */
  redis: { url: string; commandTimeoutMs: number; clusterNodes: RedisNode[] | null } | null;
  redisPrefix: string;
  rateLimit: { points: number; duration: number };
  sendLimit: { points: number; duration: number };
  authFail: { points: number; duration: number; blockSeconds: number };
  keyCache: {
    ttlMs: number;
    max: number;
    redisTtlSeconds: number;
    negativeTtlMs: number;
    negativeRedisTtlSeconds: number;
    /** Benchmark baseline only: every API key lookup goes to the database. */
    disabled: boolean;
  };
  accessTokenTtlDays: number;
  instanceCount: number;
  smtpUrl: string | null;
  defaultEmailDomain: string;
  webhookAllowPrivate: boolean;
  /** Sending mail: SMTP deadline, the larger body limit of send/reply, attachment budget. */
  mail: { smtpTimeoutMs: number; bodyLimit: string; attachmentsMaxBytes: number };
  /** Webhook deliveries: per-attempt timeout, attempts in all, first backoff (doubles), workers. */
  webhooks: { timeoutMs: number; maxAttempts: number; backoffMs: number; concurrency: number };
  metricsPort: number | null;
  logLevel: string;
  /** Human-readable logs (pino-pretty); null: when NODE_ENV=development and stdout is a terminal. */
  logPretty: boolean | null;
}

export class ConfigError extends Error {}

/** Reads and validates the environment once; a bad value names the variable and stops the boot. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(emptyAsUnset(source));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  // Two Redis settings would be a guess about which one the operator meant: refuse both.
  if (e.REDIS_URL && e.REDIS_CLUSTER_NODES) {
    throw new ConfigError('invalid configuration: REDIS_URL and REDIS_CLUSTER_NODES are both set; set one (REDIS_CLUSTER_NODES for a Redis Cluster)');
  }
  return {
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, bodyLimit: e.BODY_LIMIT },
    database: e.MYSQL_URL
      ? {
          client: 'mysql',
          url: e.MYSQL_URL,
          poolMax: e.MYSQL_POOL_MAX,
          connectTimeoutMs: e.MYSQL_CONNECT_TIMEOUT_MS,
          acquireTimeoutMs: e.MYSQL_ACQUIRE_TIMEOUT_MS,
        }
      : { client: 'sqlite', file: e.SQLITE_FILE },
    migrateOnStart: e.MIGRATE_ON_START,
    redis: redisOf(e.REDIS_URL, e.REDIS_CLUSTER_NODES, e.REDIS_COMMAND_TIMEOUT_MS),
    redisPrefix: e.REDIS_PREFIX,
    rateLimit: { points: e.RATE_LIMIT_POINTS, duration: e.RATE_LIMIT_DURATION },
    sendLimit: { points: e.SEND_LIMIT_POINTS, duration: e.SEND_LIMIT_DURATION },
    authFail: { points: e.AUTH_FAIL_POINTS, duration: e.AUTH_FAIL_DURATION, blockSeconds: e.AUTH_FAIL_BLOCK },
    keyCache: {
      ttlMs: e.KEY_CACHE_TTL_MS,
      max: e.KEY_CACHE_MAX,
      redisTtlSeconds: e.KEY_CACHE_REDIS_TTL,
      negativeTtlMs: e.NEGATIVE_CACHE_TTL_MS,
      negativeRedisTtlSeconds: e.NEGATIVE_CACHE_REDIS_TTL,
      disabled: e.KEY_CACHE_DISABLED,
    },
    accessTokenTtlDays: e.ACCESS_TOKEN_TTL_DAYS,
    instanceCount: e.INSTANCE_COUNT,
    smtpUrl: e.SMTP_URL ?? null,
    defaultEmailDomain: e.DEFAULT_EMAIL_DOMAIN,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
    mail: { smtpTimeoutMs: e.SMTP_TIMEOUT_MS, bodyLimit: e.MESSAGE_BODY_LIMIT, attachmentsMaxBytes: e.ATTACHMENTS_MAX_BYTES },
    webhooks: {
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      backoffMs: e.WEBHOOK_BACKOFF_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
    },
    metricsPort: e.METRICS_PORT ?? null,
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY ?? null,
  };
}

function redisOf(url: string | undefined, clusterNodes: RedisNode[] | undefined, commandTimeoutMs: number): Config['redis'] {
  if (clusterNodes) {
    const { host, port } = clusterNodes[0]!;
    return { url: `redis://${host.includes(':') ? `[${host}]` : host}:${port}`, commandTimeoutMs, clusterNodes };
  }
  return url ? { url, commandTimeoutMs, clusterNodes: null } : null;
}

// `FOO=` in a .env file or shell means "not set", not "set to the empty string".
function emptyAsUnset(source: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
