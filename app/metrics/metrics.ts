import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { CacheStats, Counters, LimiterStats } from '../infra/counters';
import type { RedisHealth } from '../infra/redisHealth';
import { HttpStats } from './httpStats';
import { lazyCounter } from './lazyCounter';
import { registerWebhookQueueMetrics, type WebhookQueueDepth } from './webhookQueue';

/** The Prometheus side of the server: built only when METRICS_PORT is set. */
export interface Metrics {
  registry: Registry;
  /** Filled per request by middleware/observeRequest.ts. */
  http: HttpStats;
  /**
   * The webhook delivery code calls this once, where it creates its queue, e.g.
   * `deps.metrics?.watchWebhookQueue(() => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'))`.
   */
  watchWebhookQueue(depth: WebhookQueueDepth): void;
}

export interface MetricsSources {
  counters: Counters;
  /** null in embedded mode. */
  redisHealth: RedisHealth | null;
}

/**
 * Everything is read when /metrics is scraped: from the plain counters the request path keeps
 * anyway (app/infra/counters.ts), the circuit breaker, and the webhook queue once one is watched.
 */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const http = new HttpStats();
  http.register(registry);
  const { counters } = sources;

  lazyCounter(registry, 'sendook_key_lookups_total', 'API key lookups by the tier that answered and the outcome.', ['tier', 'outcome'], () =>
    cacheSeries(counters.keyCache),
  );
  lazyCounter(registry, 'sendook_organization_lookups_total', 'Organization lookups on the request path, by tier and outcome.', ['tier', 'outcome'], () =>
    cacheSeries(counters.orgCache),
  );
  lazyCounter(
    registry,
    'sendook_rate_limit_decisions_total',
    'Bucket decisions by family (org, send, login, authfail); degraded="true": decided by the in-process fallback while Redis did not answer.',
    ['bucket', 'decision', 'degraded'],
    () => Object.entries(counters.limiters).flatMap(([bucket, stats]) => limiterSeries(bucket, stats)),
  );
  lazyCounter(registry, 'sendook_auth_failures_total', 'Failed authentications of well-formed API keys (unknown, deleted, deactivated, expired).', [], () => [
    [{}, counters.authFailures],
  ]);
  lazyCounter(registry, 'sendook_auth_throttled_total', 'Requests refused with 429 too_many_failed_attempts.', [], () => [[{}, counters.authThrottled]]);
  lazyCounter(
    registry,
    'sendook_redis_errors_total',
    'Redis trouble: connection errors reported by the client, request-path commands that failed, and those that timed out.',
    ['kind'],
    () => [
      [{ kind: 'connection' }, counters.redisErrors],
      [{ kind: 'command' }, counters.redisFailures],
      [{ kind: 'timeout' }, counters.redisTimeouts],
    ],
  );
  lazyCounter(registry, 'sendook_redis_commands_total', 'Commands sent on the request-path Redis connection.', [], () => [[{}, counters.redisCommands]]);
  lazyCounter(registry, 'sendook_mysql_errors_total', 'Database queries that failed.', [], () => [[{}, counters.mysqlErrors]]);
  lazyCounter(registry, 'sendook_mysql_queries_total', 'Database queries sent.', [], () => [[{}, counters.mysqlQueries]]);

  lazyCounter(
    registry,
    'sendook_usage_dropped_total',
    'Usage data this instance did not keep: usage, clients and logs while its buffers were full (the database down); logs_sampled: 2xx request-log lines beyond the per-organization rate (by design).',
    ['kind'],
    () => [
      [{ kind: 'usage' }, counters.usageDrops.usage],
      [{ kind: 'clients' }, counters.usageDrops.clients],
      [{ kind: 'logs' }, counters.usageDrops.logs],
      [{ kind: 'logs_sampled' }, counters.usageDrops.logsSampled],
    ],
  );
  lazyCounter(registry, 'sendook_usage_queries_total', 'Database queries of the usage flusher and pruner (their own pool, off the request path).', [], () => [
    [{}, counters.usageQueries],
  ]);

  const health = sources.redisHealth;
  new Gauge({
    name: 'sendook_degraded',
    help: '1 while the request path runs without Redis (in-process fallback buckets, Sendook-Degraded header); always 0 in embedded mode.',
    labelNames: ['dependency'] as const,
    registers: [registry],
    collect() {
      this.set({ dependency: 'redis' }, health && !health.available() ? 1 : 0);
    },
  });

  let queueDepth: WebhookQueueDepth | undefined;
  registerWebhookQueueMetrics(registry, counters, () => queueDepth);
  return {
    registry,
    http,
    watchWebhookQueue(depth) {
      queueDepth = depth;
    },
  };
}

type Series = Array<[Record<string, string>, number]>;

function cacheSeries(s: CacheStats): Series {
  return [
    [{ tier: 'memory', outcome: 'hit' }, s.memoryHits],
    [{ tier: 'memory', outcome: 'negative_hit' }, s.memoryNegativeHits],
    [{ tier: 'inflight', outcome: 'coalesced' }, s.coalesced],
    [{ tier: 'redis', outcome: 'hit' }, s.redisHits],
    [{ tier: 'redis', outcome: 'negative_hit' }, s.redisNegativeHits],
    [{ tier: 'redis', outcome: 'error' }, s.redisErrors],
    [{ tier: 'database', outcome: 'hit' }, s.databaseHits],
    [{ tier: 'database', outcome: 'miss' }, s.databaseMisses],
    [{ tier: 'database', outcome: 'error' }, s.databaseErrors],
  ];
}

function limiterSeries(bucket: string, s: LimiterStats): Series {
  return [
    [{ bucket, decision: 'allowed', degraded: 'false' }, s.allowed],
    [{ bucket, decision: 'limited', degraded: 'false' }, s.limited],
    [{ bucket, decision: 'allowed', degraded: 'true' }, s.degradedAllowed],
    [{ bucket, decision: 'limited', degraded: 'true' }, s.degradedLimited],
  ];
}
