import { Counter, type Metric, type Registry } from 'prom-client';

/** Upper bounds (seconds) of the latency histogram's buckets. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

class RouteSeries {
  readonly byStatus = new Map<number, number>();
  /** Non-cumulative: buckets[i] counts durations in (LATENCY_BUCKETS[i-1], LATENCY_BUCKETS[i]]; the last is +Inf. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;
}

/**
 * Requests by route template, method and status, and their latency. The request path only adds
 * to plain numbers (a few tens of nanoseconds); prom-client reads them when /metrics is scraped.
 * Its own Counter.inc and Histogram.observe cost about a microsecond each per call because they
 * hash the label set every time.
 */
export class HttpStats {
  // route → method → series; both keys come from a bounded set (route templates, HTTP methods).
  private readonly series = new Map<string, Map<string, RouteSeries>>();

  record(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let series = byMethod.get(method);
    if (!series) byMethod.set(method, (series = new RouteSeries()));
    series.byStatus.set(status, (series.byStatus.get(status) ?? 0) + 1);
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    series.buckets[i]!++;
    series.sum += seconds;
    series.count++;
  }

  *entries(): Generator<{ method: string; route: string; series: RouteSeries }> {
    for (const [route, byMethod] of this.series) for (const [method, series] of byMethod) yield { method, route, series };
  }

  /** Registers `sendook_http_requests_total` and `sendook_http_request_duration_seconds`. */
  register(registry: Registry): void {
    const stats = this;
    new Counter({
      name: 'sendook_http_requests_total',
      help: 'HTTP requests served, by method, route template and status (route "unmatched": no route).',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { method, route, series } of stats.entries()) {
          for (const [status, n] of series.byStatus) this.inc({ method, route, status: String(status) }, n);
        }
      },
    });
    registry.registerMetric(new LatencyHistogram(stats) as unknown as Metric);
  }
}

const HISTOGRAM_NAME = 'sendook_http_request_duration_seconds';

/**
 * The latency histogram in prom-client's exposition format, built from HttpStats on each scrape.
 * prom-client's Histogram can only be filled one observation at a time, so this implements what
 * its Registry reads from a metric: name, help, type, aggregator, get() and reset().
 */
class LatencyHistogram {
  readonly name = HISTOGRAM_NAME;
  readonly help = 'Time from the first middleware to the response being set, by method and route template.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(private readonly stats: HttpStats) {}

  async get() {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const { method, route, series } of this.stats.entries()) {
      let cumulative = 0;
      LATENCY_BUCKETS.forEach((le, i) => {
        cumulative += series.buckets[i]!;
        values.push({ metricName: `${HISTOGRAM_NAME}_bucket`, labels: { method, route, le }, value: cumulative });
      });
      values.push({ metricName: `${HISTOGRAM_NAME}_bucket`, labels: { method, route, le: '+Inf' }, value: series.count });
      values.push({ metricName: `${HISTOGRAM_NAME}_sum`, labels: { method, route }, value: series.sum });
      values.push({ metricName: `${HISTOGRAM_NAME}_count`, labels: { method, route }, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Counts are cumulative for the life of the process, as Prometheus expects. */
  reset(): void {}
}
