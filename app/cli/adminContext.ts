import { existsSync } from 'node:fs';
import pino from 'pino';
import type { Config } from '../../config';
import { createKnex } from '../../db/knex';
import { TieredCache } from '../cache/tieredCache';
import { redisSharedStore } from '../cache/sharedStore';
import type { Organization } from '../domain/types';
import { Counters } from '../infra/counters';
import { createRedis } from '../infra/redis';
import { RedisHealth } from '../infra/redisHealth';
import { RedisKeys } from '../infra/redisKeys';
import { OrganizationRepository } from '../repositories/organizations';
import { InvalidationBus } from '../services/invalidation';
import { OrganizationService } from '../services/organizations';
import { UnreachableError } from './context';

/** What `npm run admin` changes things through: the server's own services, not SQL of its own. */
export interface AdminContext {
  config: Config;
  organizations: OrganizationService;
  orgRepo: OrganizationRepository;
  orgCache: TieredCache<Organization>;
  /** null in embedded mode: the server's caches live in its process. */
  redisKeys: RedisKeys | null;
}

// An operator waits longer than a request does.
const TIMEOUT_MS = 5000;

/**
 * Opens the database and Redis with the server's configuration. Both must answer before anything
 * changes: a budget written to the database but not to the caches would take effect on the
 * servers only when their cached organization expires.
 */
export async function openAdminContext(config: Config): Promise<{ context: AdminContext; close(): Promise<void> }> {
  // Never create an empty database by opening the wrong path.
  if (config.database.client === 'sqlite' && !existsSync(config.database.file)) {
    throw new UnreachableError(`no database at SQLITE_FILE=${config.database.file} (run from the server's directory, with its environment)`);
  }
  const database = config.database.client === 'mysql' ? { ...config.database, connectTimeoutMs: Math.max(config.database.connectTimeoutMs, TIMEOUT_MS) } : config.database;
  const knex = createKnex(database);
  await knex.raw('select 1').catch(async (err: unknown) => {
    await knex.destroy();
    throw new UnreachableError(`the database does not answer: ${(err as Error).message}`);
  });
  const counters = new Counters();
  const redis = config.redis ? createRedis(config.redis.url, Math.max(config.redis.commandTimeoutMs, TIMEOUT_MS), counters) : null;
  if (redis) {
    await redis.connect().catch(async (err: unknown) => {
      redis.disconnect();
      await knex.destroy();
      throw new UnreachableError(`Redis does not answer: ${(err as Error).message}`);
    });
  }
  const redisKeys = new RedisKeys(config.redisPrefix);
  const health = redis ? new RedisHealth(redis, counters) : null;
  const orgRepo = new OrganizationRepository(knex);
  // The same cache the server builds (app/container.ts): same keys, TTL and versioned writes.
  const orgCache = new TieredCache<Organization>({
    local: { max: 10, ttlMs: 1, negativeTtlMs: 1 },
    shared: redis && health ? redisSharedStore(redis, health) : null,
    sharedKey: (id) => redisKeys.org(id),
    sharedTtlSeconds: config.keyCache.redisTtlSeconds,
    negativeSharedTtlSeconds: config.keyCache.negativeRedisTtlSeconds,
    load: (id) => orgRepo.findById(id),
    versionField: 'updatedAt',
  });
  // Warnings (an invalidation that could not be published) go to stderr, next to the report.
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const bus = new InvalidationBus(redis, null, redisKeys.invalidateChannel, logger);
  const organizations = new OrganizationService(orgRepo, orgCache, bus, { rateLimit: config.rateLimit, sendLimit: config.sendLimit });
  return {
    context: { config, organizations, orgRepo, orgCache, redisKeys: redis ? redisKeys : null },
    async close() {
      orgCache.close();
      redis?.disconnect();
      await knex.destroy();
    },
  };
}
