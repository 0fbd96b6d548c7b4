import { parseArgs } from 'node:util';

export interface LoadtestArgs {
  /** The first --url: where keys are provisioned. */
  url: string;
  /** Every --url: the load is spread over them (instances of one deployment). */
  urls: string[];
  orgs: number;
  /** Total keys, spread round-robin over the organizations. */
  keys: number;
  durationSeconds: number;
  connections: number;
  /** Requests per second over all URLs together; null: as fast as the deployment answers. */
  rate: number | null;
  /** Budget set on every provisioned organization; null: leave the deployment's default. */
  budget: { points: number; window: number } | null;
  keysFile: string | null;
  keep: boolean;
  json: string | null;
}

export const USAGE = `npm run loadtest -- --url <base> [options]

  --url <base>          the deployment, e.g. http://localhost:8006 (required); repeat it
                        for several instances of one deployment: the load is spread over
                        them, keys are provisioned through the first, and the budget check
                        covers all of them together
  --orgs N              organizations to provision (default 10)
  --keys M              API keys to provision, spread over them (default 100)
  --duration S          seconds of load (default 20)
  --connections C       concurrent connections (default 50)
  --rate R              at most R requests per second over all URLs together (default: as
                        fast as answered); for a soak at a chosen share of the peak
  --points P            budget set on each organization: P requests... (default: none set,
                        the deployment's default budget is tested; setting one above it
                        needs an operator: npm run admin -- org <id> budget)
  --window W            ...per W seconds (default 10, with --points)
  --keys-file F         use these keys (one per line, or a JSON array) instead of provisioning
  --keep                do not revoke the provisioned keys afterwards
  --json F              also write the full report to F

Exits 1 when an organization's accepted requests exceeded its budget in some window.`;

export function parseLoadtestArgs(argv: string[]): LoadtestArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', multiple: true },
      orgs: { type: 'string', default: '10' },
      keys: { type: 'string', default: '100' },
      duration: { type: 'string', default: '20' },
      connections: { type: 'string', default: '50' },
      rate: { type: 'string', default: '0' },
      // The deployment's own budget unless asked: a budget above the server default is refused.
      points: { type: 'string', default: '0' },
      window: { type: 'string', default: '10' },
      'keys-file': { type: 'string' },
      keep: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.url?.length) throw new UsageError(values.help ? '' : '--url is required');
  const urls = values.url.map((u) => u.replace(/\/+$/, ''));
  for (const url of urls) if (!/^https?:\/\//.test(url)) throw new UsageError(`--url must start with http:// or https://, got "${url}"`);
  const orgs = count('--orgs', values.orgs, 1);
  const points = count('--points', values.points, 0);
  return {
    url: urls[0]!,
    urls,
    orgs,
    keys: Math.max(orgs, count('--keys', values.keys, 1)),
    durationSeconds: count('--duration', values.duration, 1),
    connections: count('--connections', values.connections, 1),
    rate: count('--rate', values.rate, 0) || null,
    budget: points === 0 ? null : { points, window: count('--window', values.window, 1) },
    keysFile: values['keys-file'] ?? null,
    keep: values.keep,
    json: values.json ?? null,
  };
}

export class UsageError extends Error {}

function count(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}
