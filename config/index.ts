import { hostname } from 'node:os';
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
  /**
   * How the organization request bucket is drawn from when Redis is configured: `exact` (one Redis
   * call per request) or `lease` (reserved chunks, admitted in process). Always `exact` without
   * Redis, where the bucket is in process anyway.
   */
  rateLimitMode: 'exact' | 'lease';
  /** Lease mode: an unused reservation goes back to the shared bucket this long after its last use. */
  rateLimitLeaseMs: number;
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
  /** Address of the /metrics listener (METRICS_HOST), never HOST's. */
  metricsHost: string;
  /** Reverse-proxy hops whose X-Forwarded-For names the client (0: the socket address). */
  trustProxy: number;
  /** Registrations per client address. */
  registerLimit: { points: number; duration: number };
  /** Key usage, clients and request logs: flush interval per instance, log retention and cap. */
  usage: {
    flushMs: number;
    logRetentionDays: number;
    logMaxRowsPerOrg: number;
    /** Benchmark baseline only: requests are not recorded at all (no usage, clients, logs or alerts). */
    disabled: boolean;
  };
  /** `all`: the API, plus SMTP when inbound.port is set; `smtp`: only the receiving SMTP server. */
  role: 'all' | 'smtp';
  /** Receiving mail over SMTP; `port` null: no SMTP listener. `dnsServers` null: the system's resolvers. */
  inbound: {
    port: number | null;
    host: string;
    maxBytes: number;
    maxRecipients: number;
    clientMessagesPerMinute: number;
    orgMaxBytes: number;
    /** Open SMTP connections at once; each may hold one message of up to maxBytes in memory. */
    maxConnections: number;
    dnsServers: string[] | null;
    dnsTimeoutMs: number;
  };
  /**
   * 32 bytes that encrypt DKIM private keys at rest (SECRETS_KEY). null: not set; embedded mode
   * then keeps one in the SQLite file's folder (app/infra/secretsKey.ts).
   */
  secretsKey: Buffer | null;
  /** Custom domains: what they publish and how they are checked. */
  domains: {
    /** The MX value domains publish (MAIL_HOSTNAME); `mailHostnameIsDefault`: taken from the machine. */
    mailHostname: string;
    mailHostnameIsDefault: boolean;
    /** The SPF mechanism domains publish: SPF_INCLUDE, else `a:<mailHostname>`. */
    spfMechanism: string;
    /** DNS_SERVERS; null: the system's resolvers. */
    dnsServers: string[] | null;
    recheckMs: number;
  };
}

export class ConfigError extends Error {}

// docs/performance.md, "Leased budgets", says why this is the default.
const DEFAULT_RATE_LIMIT_MODE: Config['rateLimitMode'] = 'exact';

/** Reads and validates the environment once; a bad value names the variable and stops the boot. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(emptyAsUnset(source));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  if (e.ROLE === 'smtp' && e.SMTP_INBOUND_PORT === undefined) throw new ConfigError('invalid configuration: ROLE: smtp needs SMTP_INBOUND_PORT');
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
    rateLimitMode: e.REDIS_URL || e.REDIS_CLUSTER_NODES ? (e.RATE_LIMIT_MODE ?? DEFAULT_RATE_LIMIT_MODE) : 'exact',
    rateLimitLeaseMs: e.RATE_LIMIT_LEASE_MS,
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
    metricsHost: e.METRICS_HOST,
    trustProxy: e.TRUST_PROXY,
    registerLimit: { points: e.REGISTER_LIMIT_POINTS, duration: e.REGISTER_LIMIT_DURATION },
    usage: {
      flushMs: e.USAGE_FLUSH_MS,
      logRetentionDays: e.REQUEST_LOG_RETENTION_DAYS,
      logMaxRowsPerOrg: e.REQUEST_LOG_MAX_ROWS_PER_ORG,
      disabled: e.USAGE_DISABLED,
    },
    role: e.ROLE,
    inbound: {
      port: e.SMTP_INBOUND_PORT ?? null,
      host: e.SMTP_INBOUND_HOST,
      maxBytes: e.INBOUND_MAX_BYTES,
      maxRecipients: e.INBOUND_MAX_RECIPIENTS,
      clientMessagesPerMinute: e.INBOUND_CLIENT_MESSAGES_PER_MINUTE,
      orgMaxBytes: e.INBOUND_ORG_MAX_BYTES,
      maxConnections: e.INBOUND_MAX_CONNECTIONS,
      dnsServers: e.INBOUND_DNS_SERVERS ?? null,
      dnsTimeoutMs: e.INBOUND_DNS_TIMEOUT_MS,
    },
    secretsKey: e.SECRETS_KEY ?? null,
    domains: domainsOf(e.MAIL_HOSTNAME, e.SPF_INCLUDE, e.DNS_SERVERS, e.DOMAIN_RECHECK_HOURS),
  };
}

function domainsOf(mailHostname: string | undefined, spfInclude: string | undefined, dnsServers: string[] | undefined, recheckHours: number): Config['domains'] {
  const host = mailHostname ?? hostname().toLowerCase();
  return {
    mailHostname: host,
    mailHostnameIsDefault: mailHostname === undefined,
    spfMechanism: spfInclude ?? `a:${host}`,
    dnsServers: dnsServers ?? null,
    recheckMs: Math.round(recheckHours * 3_600_000),
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
