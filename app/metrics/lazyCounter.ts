import { Counter, type Registry } from 'prom-client';

type Series = Array<[Record<string, string>, number]>;

/** A Prometheus counter whose values are copied from plain numbers when /metrics is scraped. */
export function lazyCounter(registry: Registry, name: string, help: string, labelNames: string[], read: () => Series): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}
