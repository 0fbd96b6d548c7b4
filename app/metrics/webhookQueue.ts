import { Gauge, type Registry } from 'prom-client';
import type { Counters, WebhookDeliveryOutcome } from '../infra/counters';
import { lazyCounter } from './lazyCounter';

/**
 * Jobs in the webhook delivery queue by state, e.g. BullMQ's
 * `() => queue.getJobCounts('waiting', 'active', 'delayed', 'failed')`. Called only when /metrics
 * is scraped; the delivery code hands it to `Metrics.watchWebhookQueue`.
 */
export type WebhookQueueDepth = () => Promise<Record<string, number>>;

const OUTCOMES: WebhookDeliveryOutcome[] = ['delivered', 'retrying', 'failed'];

/**
 * `sendook_webhook_queue_jobs{state}` from the provider (empty until the delivery code sets one;
 * a provider that fails leaves the gauge empty for that scrape rather than failing the scrape),
 * and `sendook_webhook_deliveries_total{outcome}` from `Counters.webhookDeliveries`.
 */
export function registerWebhookQueueMetrics(registry: Registry, counters: Counters, provider: () => WebhookQueueDepth | undefined): void {
  new Gauge({
    name: 'sendook_webhook_queue_jobs',
    help: 'Webhook delivery jobs in the queue, by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const depth = provider();
      if (!depth) return;
      const counts = await depth().catch(() => null);
      for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
    },
  });
  lazyCounter(registry, 'sendook_webhook_deliveries_total', 'Webhook delivery attempts by outcome (delivered, retrying, failed).', ['outcome'], () =>
    OUTCOMES.map((outcome) => [{ outcome }, counters.webhookDeliveries[outcome]]),
  );
}
