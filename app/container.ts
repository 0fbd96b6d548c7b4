import type { Knex } from 'knex';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config';
import { createKnex, ensureDatabase, migrateLatest } from '../db/knex';
import { TieredCache, type TieredCacheOptions } from './cache/tieredCache';
import { redisSharedStore } from './cache/sharedStore';
import { keyStateOf, type KeyState, type Organization } from './domain/types';
import { runCloseSteps } from './lib/closeSteps';
import { buildDomainServices, type DomainServices } from './domainServices';
import { buildEmailServices, type EmailServices } from './emailServices';
import { Counters } from './infra/counters';
import { errorSerializer } from './infra/errorLog';
import { bufferedStdout } from './infra/logDestination';
import { prettyDestination } from './infra/prettyLogs';
import { createCommandClient, createSubscriberClient, onSubscriptionGap, type RedisClient } from './infra/redisClients';
import { RedisHealth } from './infra/redisHealth';
import { RedisKeys } from './infra/redisKeys';
import { rateLimitModeOn } from './infra/redisVersion';
import { defineLeaseScript } from './infra/leaseScript';
import { createMetrics, type Metrics } from './metrics/metrics';
import { AccessTokenRepository } from './repositories/accessTokens';
import { ApiKeyRepository } from './repositories/apiKeys';
import { OrganizationRepository } from './repositories/organizations';
import { UserRepository } from './repositories/users';
import { AccountService, LOGIN_BUDGET_PER_EMAIL } from './services/accounts';
import { ApiKeyService } from './services/apiKeys';
import { AuthFailureThrottle } from './services/authFailures';
import { InvalidationBus } from './services/invalidation';
import { KeyVerifier } from './services/keyVerifier';
import { LastUsedTracker } from './services/lastUsed';
import { OrganizationService } from './services/organizations';
import { LeasedBucketFamily } from './services/leasedBucketFamily';
import { BucketFamily, type RequestBuckets } from './services/rateLimits';
import { IdempotencyKeyRepository } from './repositories/idempotencyKeys';
import { IdempotencyService } from './services/idempotency';
import { InProgressMarkers } from './services/inProgressMarkers';
import { buildUsageServices, type UsageServices } from './usageServices';

/** Everything the app needs, built once by the composition root and passed to createApp. */
export interface Deps extends EmailServices, UsageServices, DomainServices {
  config: Config;
  logger: Logger;
  knex: Knex;
  /** One Redis or a Redis Cluster (app/infra/redisClients.ts); null in embedded mode. */
  redis: RedisClient | null;
  redisKeys: RedisKeys;
  counters: Counters;
  /** Prometheus registry and per-request HTTP stats; null unless METRICS_PORT is set. */
  metrics: Metrics | null;
  keyCache: TieredCache<KeyState>;
  orgCache: TieredCache<Organization>;
  /** The request path's view of Redis (circuit breaker); null in embedded mode. */
  redisHealth: RedisHealth | null;
  keyVerifier: KeyVerifier;
  authFailures: AuthFailureThrottle;
  /** Exact, or leased with RATE_LIMIT_MODE=lease. */
  requestBuckets: RequestBuckets;
  sendBuckets: BucketFamily;
  /** Mail received over SMTP per sending client address and minute. */
  inboundClientBuckets: BucketFamily;
  lastUsed: LastUsedTracker;
  bus: InvalidationBus;
  apiKeys: ApiKeyService;
  organizations: OrganizationService;
  accounts: AccountService;
  /** Idempotency-Key on POSTs: kept answers in the database, in-progress markers in Redis. */
  idempotency: IdempotencyService;
  close(): Promise<void>;
}

export async function buildDeps(config: Config, logger: Logger = createLogger(config)): Promise<Deps> {
  const counters = new Counters();
  const redisKeys = new RedisKeys(config.redisPrefix);

  if (config.migrateOnStart) await ensureDatabase(config.database);
  const knexLogger = logger.child({ component: 'knex' });
  const knex = createKnex(config.database, {
    warn: (m) => knexLogger.warn(String(m)),
    error: (m) => knexLogger.error(String(m)),
  });
  knex.on('query', () => counters.mysqlQueries++);
  knex.on('query-error', () => counters.mysqlErrors++);
  if (config.migrateOnStart) await migrateLatest(knex);

  const redis = config.redis ? createCommandClient(config.redis, counters) : null;
  const subscriber = config.redis ? createSubscriberClient(config.redis) : null;
  // Boot even when Redis is down: requests then run degraded (docs/reliability.md) and ioredis
  // keeps reconnecting in the background.
  await Promise.all([
    redis?.connect().catch((err: unknown) => logger.warn({ err }, 'Redis is not answering; starting degraded')),
    subscriber?.connect().catch(() => undefined),
  ]);
  const health = redis ? new RedisHealth(redis, counters) : null;
  const metrics = config.metricsPort === null ? null : createMetrics({ counters, redisHealth: health });

  const shared = redis && health ? redisSharedStore(redis, health) : null;
  const users = new UserRepository(knex);
  const orgRepo = new OrganizationRepository(knex);
  const keyRepo = new ApiKeyRepository(knex, counters);
  // The key and organization caches share tiers, TTLs and sizes; they differ in key and loader.
  const tieredCache = <T extends object>(own: Pick<TieredCacheOptions<T>, 'sharedKey' | 'load' | 'stats' | 'disabled' | 'versionField' | 'onLateWrite'>) =>
    new TieredCache<T>({
      local: { max: config.keyCache.max, ttlMs: config.keyCache.ttlMs, negativeTtlMs: config.keyCache.negativeTtlMs },
      shared,
      sharedTtlSeconds: config.keyCache.redisTtlSeconds,
      negativeSharedTtlSeconds: config.keyCache.negativeRedisTtlSeconds,
      ...own,
    });
  const keyCache = tieredCache<KeyState>({
    sharedKey: (hash) => redisKeys.apiKey(hash),
    load: async (hash) => {
      const key = await keyRepo.findByHash(hash);
      return key && keyStateOf(key);
    },
    stats: counters.keyCache,
    disabled: config.keyCache.disabled,
    versionField: 'updatedAt',
    // A revocation that reached Redis late: other instances may have re-read the old state.
    onLateWrite: (hash) => void bus.publish({ kind: 'apikey', id: hash }),
  });
  const orgCache = tieredCache<Organization>({
    sharedKey: (id) => redisKeys.org(id),
    load: (id) => orgRepo.findById(id),
    stats: counters.orgCache,
    versionField: 'updatedAt',
    onLateWrite: (id) => void bus.publish({ kind: 'org', id }),
  });

  const bus = new InvalidationBus(redis, subscriber, redisKeys.invalidateChannel, logger);
  bus.onMessage((m) => (m.kind === 'apikey' ? keyCache : orgCache).invalidateLocal(m.id));
  await bus.start();
  // Invalidations published while this instance was cut off from Redis were lost: after the
  // subscriber reconnects (on a cluster: once a node left it), drop the in-process tier. Writes
  // Redis missed are replayed as soon as the command connection is back.
  if (subscriber) {
    onSubscriptionGap(subscriber, () => {
      keyCache.clearLocal();
      orgCache.clearLocal();
    });
  }
  redis?.on('ready', () => {
    void keyCache.flushPending();
    void orgCache.flushPending();
  });

  const bucket = (family: 'org' | 'send' | 'login' | 'register', defaultBudget: { points: number; duration: number }) =>
    new BucketFamily({ redis, health, keyPrefix: redisKeys.limiterPrefix(family), instanceCount: config.instanceCount, counters, defaultBudget, stats: counters.limiters[family] });
  const exactRequestBuckets = bucket('org', config.rateLimit);
  // Only the request bucket is leased: sends (100 an hour) and failed authentications are rare
  // enough that a Redis call each costs nothing, and they stay exact.
  const rateLimitMode = redis ? await rateLimitModeOn(redis, config.rateLimitMode, logger) : config.rateLimitMode;
  const requestBuckets: RequestBuckets =
    redis && health && rateLimitMode === 'lease'
      ? new LeasedBucketFamily({
          script: defineLeaseScript(redis),
          key: (orgId) => redisKeys.bucket('org', orgId),
          health,
          exact: exactRequestBuckets,
          leaseMs: config.rateLimitLeaseMs,
          stats: counters.limiters.org,
          warn: (message) => logger.warn(message),
        })
      : exactRequestBuckets;
  const sendBuckets = bucket('send', config.sendLimit);
  const inboundClientBuckets = new BucketFamily({
    redis,
    health,
    keyPrefix: redisKeys.limiterPrefix('smtp'),
    instanceCount: config.instanceCount,
    counters,
    defaultBudget: { points: config.inbound.clientMessagesPerMinute, duration: 60 },
  });
  const authFailures = new AuthFailureThrottle({
    redis,
    health,
    keyPrefix: redisKeys.limiterPrefix('authfail'),
    ...config.authFail,
    instanceCount: config.instanceCount,
    counters,
    stats: counters.limiters.authfail,
  });

  const lastUsed = new LastUsedTracker(keyRepo, logger);
  lastUsed.start();
  const apiKeys = new ApiKeyService(keyRepo, keyCache, bus);
  const organizations = new OrganizationService(orgRepo, orgCache, bus, {
    rateLimit: config.rateLimit,
    sendLimit: config.sendLimit,
  });
  // Addresses are checked against the organization's verified domains, and the domains publish
  // their events through email's publisher: the checks reach the domain service built below
  // (called only once requests and SMTP sessions run, after buildDeps returned).
  const verifiedDomains = {
    isVerifiedFor: (organizationId: string, name: string) => domains.domains.isVerifiedFor(organizationId, name),
    signingKeyFor: (organizationId: string, name: string) => domains.domains.signingKeyFor(organizationId, name),
  };
  const email = buildEmailServices(config, knex, redisKeys, logger, { counters, metrics }, verifiedDomains);
  const accounts = new AccountService({
    knex,
    users,
    tokens: new AccessTokenRepository(knex),
    organizations,
    apiKeys,
    inboxes: email.inboxes,
    loginBuckets: bucket('login', LOGIN_BUDGET_PER_EMAIL),
    registerBuckets: bucket('register', config.registerLimit),
    registerBudget: config.registerLimit,
    tokenTtlDays: config.accessTokenTtlDays,
  });
  const idempotency = new IdempotencyService(
    new IdempotencyKeyRepository(knex),
    redis && health ? new InProgressMarkers(redis, health, redisKeys) : null,
    { ttlMs: config.idempotencyTtlHours * 3_600_000 },
    logger.child({ component: 'idempotency' }),
  );
  idempotency.start();
  const usage = buildUsageServices(config, knex, { apiKeys, deliveryQueue: email.deliveryQueue, counters, logger });
  const domains = buildDomainServices(config, knex, { events: email.events, redis, redisKeys, logger });

  return {
    config,
    logger,
    knex,
    redis,
    redisKeys,
    counters,
    metrics,
    keyCache,
    orgCache,
    redisHealth: health,
    keyVerifier: new KeyVerifier(keyCache),
    authFailures,
    requestBuckets,
    sendBuckets,
    inboundClientBuckets,
    lastUsed,
    bus,
    apiKeys,
    organizations,
    accounts,
    idempotency,
    ...email,
    ...usage,
    domains: domains.domains,
    domainRechecker: domains.domainRechecker,
    close: () =>
      runCloseSteps(
        {
          // Usage first: its last flush may queue alerts on the delivery queue that email closes.
          usage: () => usage.close(),
          // Before email: a re-check in flight may queue domain events.
          domains: () => domains.close(),
          // Reserved points go back before the Redis connection closes (lease mode).
          requestBuckets: () => requestBuckets.close(),
          email: () => email.close(),
          lastUsed: () => lastUsed.stop(),
          idempotency: () => idempotency.stop(),
          caches: () => {
            keyCache.close();
            orgCache.close();
          },
          redis: () => {
            subscriber?.disconnect();
            redis?.disconnect();
          },
          knex: () => knex.destroy(),
        },
        logger,
      ),
  };
}

/** `destination`: where lines go instead of stdout (tests read them). */
export function createLogger(config: Config, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    // Never log credentials, even by accident in an error object.
    redact: ['req.headers.authorization', '*.password', '*.secret', '*.key', '*.token'],
    // Errors without the values of a failed statement (secrets, hashes, message bodies).
    serializers: { err: errorSerializer },
  };
  return pino(options, destination ?? prettyDestination(config) ?? bufferedStdout());
}
