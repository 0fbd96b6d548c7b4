import { existsSync } from 'node:fs';
import Redis, { Cluster } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from '../../config';
import { createKnex } from '../../db/knex';
import { RedisKeys } from '../infra/redisKeys';
import { existingSecretsKey } from '../infra/secretsKey';
import { SecretBox } from '../lib/secretBox';
import { DomainRepository } from '../repositories/domains';
import { InspectionRepository } from '../repositories/inspection';
import type { InspectRedis } from './scan';

/** What every inspect command reads from: the server's own configuration, key names and stores. */
export interface InspectContext {
  config: Config;
  /** The server's own key builder, so the CLI reads exactly the keys the server writes. */
  keys: RedisKeys;
  db: InspectionRepository;
  domains: DomainRepository;
  /** The server's SECRETS_KEY (or embedded mode's key file), to tell whether DKIM keys decrypt; null: none. */
  secrets: SecretBox | null;
  /** null in embedded mode: the cache and buckets live inside the server process. */
  redis: InspectRedis | null;
  now: number;
}

const CONNECT_TIMEOUT_MS = 10_000;

/** A backing service did not answer (exit code 3). */
export class UnreachableError extends Error {}

export const EMBEDDED_NOTE =
  'REDIS_URL is not set: this is embedded mode, where the caches and rate-limit buckets live inside the server process and cannot be read from outside it. Only the database side is shown.';

export async function openContext(config: Config): Promise<{ context: InspectContext; close(): Promise<void> }> {
  if (config.database.client === 'sqlite' && !existsSync(config.database.file)) {
    throw new UnreachableError(`no database at SQLITE_FILE=${config.database.file} (run from the server's directory, with its environment)`);
  }
  // An operator wants an answer even from a busy server: wait longer than the request path does.
  const database = config.database.client === 'mysql' ? { ...config.database, connectTimeoutMs: Math.max(config.database.connectTimeoutMs, CONNECT_TIMEOUT_MS) } : config.database;
  const knex = createKnex(database);
  await knex.raw('select 1').catch((err: unknown) => {
    void knex.destroy();
    throw new UnreachableError(`the database does not answer: ${(err as Error).message}`);
  });
  const redis = config.redis ? await connectRedis(config.redis, knex) : null;
  // A key file that is not a key reads as no key: domains then show their keys as unreadable.
  let secretsKey: Buffer | null = null;
  try {
    secretsKey = existingSecretsKey(config);
  } catch {
    secretsKey = null;
  }
  return {
    context: {
      config,
      keys: new RedisKeys(config.redisPrefix),
      db: new InspectionRepository(knex),
      domains: new DomainRepository(knex),
      secrets: secretsKey && new SecretBox(secretsKey),
      redis,
      now: Date.now(),
    },
    async close() {
      redis?.disconnect();
      await knex.destroy();
    },
  };
}

async function connectRedis(target: NonNullable<Config['redis']>, knex: Knex): Promise<InspectRedis> {
  // One attempt, no reconnection: an operator wants an answer, not a hang.
  const node = { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 1, retryStrategy: () => null };
  const redis = target.clusterNodes
    ? new Cluster(target.clusterNodes, { lazyConnect: true, clusterRetryStrategy: () => null, redisOptions: node })
    : new Redis(target.url, node);
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    await knex.destroy();
    const where = target.clusterNodes ? `the Redis Cluster at ${target.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}` : `Redis at ${hostOf(target.url)}`;
    throw new UnreachableError(`${where} does not answer: ${(err as Error).message}`);
  }
}

function hostOf(url: string): string {
  const where = new URL(url);
  return `${where.hostname}:${where.port || 6379}`;
}
