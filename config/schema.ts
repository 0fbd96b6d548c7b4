import { isIP } from 'node:net';
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
  // Custom domains (docs/email.md, "Your own domain").
  MAIL_HOSTNAME: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, 'must be a host name such as mx.example.com')
    .transform((v) => v.toLowerCase())
    .optional(),
  SECRETS_KEY: z
    .string()
    .transform((v, ctx) => {
      const key = parseSecretsKey(v);
      if (!key) ctx.addIssue({ code: 'custom', message: 'must be 32 bytes as 64 hex characters or as base64 (openssl rand -hex 32)' });
      return key ?? Buffer.alloc(0);
    })
    .optional(),
  DNS_SERVERS: z
    .string()
    .transform((v, ctx) => {
      const servers = parseDnsServers(v);
      if (!servers) ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of IP addresses with optional ports, such as 1.1.1.1,8.8.8.8:53,[::1]:5353' });
      return servers ?? [];
    })
    .optional(),
  // One SPF mechanism; a bare domain name means `include:<it>`.
  SPF_INCLUDE: z
    .string()
    .trim()
    .transform((v) => (/^[a-z0-9_.-]+$/i.test(v) && v.includes('.') ? `include:${v}` : v))
    .pipe(z.string().regex(/^[+?~-]?(include|a|mx|ip4|ip6|exists):[!-~]{1,253}$/i, 'must be one SPF mechanism such as include:_spf.relay.example or ip4:192.0.2.1'))
    .optional(),
  // At most 24 days: a longer interval overflows setInterval's 32-bit milliseconds.
  DOMAIN_RECHECK_HOURS: z.coerce.number().positive().max(576).default(6),
});

/** 32 bytes from 64 hex characters or from base64 (either alphabet, padded or not); null otherwise. */
export function parseSecretsKey(value: string): Buffer | null {
  const text = value.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null;
  const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : null;
}

/** `1.1.1.1, 8.8.8.8:53, [::1]:5353, ::1` → what node:dns's setServers takes; null when any entry is not an IP (with a port). */
export function parseDnsServers(value: string): string[] | null {
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const servers = entries.map((entry) => {
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
    const v4 = /^([\d.]+)(?::(\d{1,5}))?$/.exec(entry);
    const match = bracketed ?? v4;
    const host = match ? match[1]! : entry;
    const portText = match?.[2];
    if (isIP(host) === 0) return null;
    if (portText !== undefined && (Number(portText) < 1 || Number(portText) > 65535)) return null;
    if (portText === undefined) return host;
    return isIP(host) === 6 ? `[${host}]:${portText}` : `${host}:${portText}`;
  });
  return servers.length > 0 && servers.every((s) => s !== null) ? (servers as string[]) : null;
}

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
