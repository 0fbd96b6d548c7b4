import { z } from 'zod';

// Environment strings are parsed here once; the rest of the code only sees the typed result.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(8006),
  HOST: z.string().min(1).default('0.0.0.0'),
  MYSQL_URL: url(['mysql:', 'mariadb:']).optional(),
  MYSQL_POOL_MAX: positiveInt.default(20),
  MYSQL_CONNECT_TIMEOUT_MS: positiveInt.default(2000),
  MYSQL_ACQUIRE_TIMEOUT_MS: positiveInt.default(5000),
  SQLITE_FILE: z.string().min(1).default('./data/sendook.sqlite'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z.string().max(64).default('sendook:'),
  RATE_LIMIT_POINTS: positiveInt.default(1000),
  RATE_LIMIT_DURATION: positiveInt.default(60),
  SEND_LIMIT_POINTS: positiveInt.default(100),
  SEND_LIMIT_DURATION: positiveInt.default(3600),
  AUTH_FAIL_POINTS: positiveInt.default(20),
  AUTH_FAIL_DURATION: positiveInt.default(60),
  AUTH_FAIL_BLOCK: positiveInt.default(300),
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(10_000),
  KEY_CACHE_MAX: positiveInt.default(100_000),
  KEY_CACHE_REDIS_TTL: positiveInt.default(300),
  NEGATIVE_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5_000),
  NEGATIVE_CACHE_REDIS_TTL: positiveInt.default(30),
  KEY_CACHE_DISABLED: bool.default(false),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(100),
  ACCESS_TOKEN_TTL_DAYS: positiveInt.default(30),
  MIGRATE_ON_START: bool.default(true),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  DEFAULT_EMAIL_DOMAIN: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, 'must be a domain name')
    .default('sendook.local'),
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  // Email resources (docs/email.md).
  SMTP_TIMEOUT_MS: positiveInt.default(10_000),
  MESSAGE_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/i, 'must look like 512kb or 20mb').default('20mb'),
  ATTACHMENTS_MAX_BYTES: positiveInt.default(10 * 1024 * 1024),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(8),
  WEBHOOK_BACKOFF_MS: positiveInt.default(5_000),
  WEBHOOK_CONCURRENCY: positiveInt.default(10),
  INSTANCE_COUNT: positiveInt.default(1),
  METRICS_PORT: port.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/i, 'must look like 512kb or 1mb').default('1mb'),
  // Loopback by default, whatever HOST is: metrics name routes and internals (contract §9).
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  // Hardening (issue 13): reverse-proxy hops trusted for X-Forwarded-For; registrations per address.
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  REGISTER_LIMIT_POINTS: positiveInt.default(10),
  REGISTER_LIMIT_DURATION: positiveInt.default(3600),
  // Leased organization budgets (docs/performance.md, "Leased budgets"). Unset mode: see config/index.ts.
  RATE_LIMIT_MODE: z.enum(['exact', 'lease']).optional(),
  RATE_LIMIT_LEASE_MS: z.coerce.number().int().min(10).max(600_000).default(100),
  // Key usage, clients and request logs (docs/usage.md).
  USAGE_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  REQUEST_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  REQUEST_LOG_MAX_ROWS_PER_ORG: positiveInt.default(100_000),
  USAGE_DISABLED: bool.default(false),
  // Receiving mail (docs/email.md, "Receiving mail").
  SMTP_INBOUND_PORT: port.optional(),
  SMTP_INBOUND_HOST: z.string().min(1).default('0.0.0.0'),
  INBOUND_MAX_BYTES: positiveInt.default(10 * 1024 * 1024),
  INBOUND_MAX_RECIPIENTS: positiveInt.default(50),
  INBOUND_CLIENT_MESSAGES_PER_MINUTE: positiveInt.default(60),
  INBOUND_ORG_MAX_BYTES: positiveInt.default(1024 * 1024 * 1024),
  INBOUND_MAX_CONNECTIONS: positiveInt.default(100),
  INBOUND_DNS_SERVERS: z
    .string()
    .regex(/^[^,\s]+(,[^,\s]+)*$/, 'must be a comma-separated list such as 1.1.1.1,8.8.8.8:53')
    .transform((v) => v.split(','))
    .optional(),
  INBOUND_DNS_TIMEOUT_MS: positiveInt.default(5_000),
  ROLE: z.enum(['all', 'smtp']).default('all'),
  // Seed nodes of a Redis Cluster, instead of REDIS_URL (config/index.ts refuses both at once).
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((v, ctx) => {
      const nodes = parseClusterNodes(v);
      if (!nodes) ctx.addIssue({ code: 'custom', message: 'must be host:port,host:port,... (ports 1-65535)' });
      return nodes ?? [];
    })
    .optional(),
  // Idempotent writes (docs/api.md, "Idempotent requests"): how long a key's answer is kept.
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(1).max(8760).default(24),
});

export interface RedisNode {
  host: string;
  port: number;
}

/** `h1:7000, h2:7001,[::1]:7002` → nodes; null when any entry is not host:port. */
export function parseClusterNodes(value: string): RedisNode[] | null {
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const nodes = entries.map((entry) => {
    const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) return null;
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  });
  return nodes.length > 0 && nodes.every((n) => n !== null) ? (nodes as RedisNode[]) : null;
}

export type Env = z.infer<typeof envSchema>;
