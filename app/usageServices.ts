import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { createKnex } from '../db/knex';
import type { Counters } from './infra/counters';
import type { DeliveryQueue } from './infra/deliveryQueue';
import { AlertMarkRepository } from './repositories/alertMarks';
import { ApiKeyRepository } from './repositories/apiKeys';
import { RequestLogRepository } from './repositories/requestLogs';
import { UsageRepository } from './repositories/usage';
import { WebhookRepository } from './repositories/webhooks';
import type { ApiKeyService } from './services/apiKeys';
import { EventPublisher } from './services/events';
import { UsageService } from './services/usage';
import { UsageAlerts } from './services/usageAlerts';
import { UsageFlusher } from './services/usageFlusher';
import { UsagePruner } from './services/usagePruner';
import { DEFAULT_USAGE_LIMITS, UsageRecorder } from './services/usageRecorder';

/** Key usage, clients, request logs and their alerts (docs/usage.md): Deps' part. */
export interface UsageServices {
  usage: UsageService;
  usageRecorder: UsageRecorder;
  usageFlusher: UsageFlusher;
  usagePruner: UsagePruner;
}

/**
 * Built by the composition root. The background side (flushes, pruning, alerts) has its own small
 * MySQL pool: its batches never hold a connection a request waits for, and its queries are
 * counted apart from the request path's (sendook_usage_queries_total). SQLite has one connection
 * and shares it.
 */
export function buildUsageServices(
  config: Config,
  knex: Knex,
  deps: { apiKeys: ApiKeyService; deliveryQueue: DeliveryQueue; counters: Counters; logger: Logger },
): UsageServices & { close(): Promise<void> } {
  const logger = deps.logger.child({ component: 'usage' });
  const knexLog = { warn: (m: unknown) => logger.warn(String(m)), error: (m: unknown) => logger.error(String(m)) };
  const background = config.database.client === 'mysql' ? createKnex({ ...config.database, poolMax: 2 }, knexLog) : knex;
  if (background !== knex) background.on('query', () => deps.counters.usageQueries++);

  const recorder = new UsageRecorder(DEFAULT_USAGE_LIMITS, deps.counters.usageDrops);
  const usageRepo = new UsageRepository(background);
  const logRepo = new RequestLogRepository(background);
  const marks = new AlertMarkRepository(background);
  const events = new EventPublisher(new WebhookRepository(background), deps.deliveryQueue, logger);
  const alerts = new UsageAlerts(marks, new ApiKeyRepository(background, deps.counters), events, logger);
  const flusher = new UsageFlusher(recorder, usageRepo, logRepo, alerts, logger, config.usage.flushMs);
  const pruner = new UsagePruner(
    { usage: usageRepo, logs: logRepo, marks },
    flusher,
    { retentionDays: config.usage.logRetentionDays, maxRowsPerOrganization: config.usage.logMaxRowsPerOrg },
    logger,
  );
  flusher.start();
  pruner.start();
  return {
    // Reads answer requests: they use the request path's pool.
    usage: new UsageService(new UsageRepository(knex), new RequestLogRepository(knex), deps.apiKeys),
    usageRecorder: recorder,
    usageFlusher: flusher,
    usagePruner: pruner,
    /** Before the delivery queue closes: the last flush may queue alerts. */
    async close() {
      await pruner.stop();
      await flusher.stop();
      await events.drain();
      if (background !== knex) await background.destroy();
    },
  };
}
