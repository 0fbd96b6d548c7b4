import autocannon from 'autocannon';
import { parsePolicy, WindowTally } from './budgets';
import { LatencyHistogram } from './latency';

export interface LoadKey {
  key: string;
  orgId: string;
}

export interface DriveResult {
  seconds: number;
  requests: number;
  latency: LatencyHistogram;
  statuses: Record<string, number>;
  /** Answers per --url, in the order given. */
  perUrl: Array<{ url: string; requests: number }>;
  errors: number;
  timeouts: number;
  /** Every answer that went through an organization's bucket, counted per window. */
  windows: WindowTally;
  /** 2xx answers without RateLimit-Policy: not attributable to a window (should be 0). */
  unattributed: number;
}

/**
 * Drives GET /v1/health with every key in turn, spread over every URL (one autocannon instance
 * per URL, the connections shared out between them; the keys in one turn across all of them, so
 * every organization's traffic reaches every instance). What each answer says about its bucket is
 * tallied per window as it arrives, and latencies go into a histogram: memory stays flat however
 * long the run.
 */
export async function drive(
  urls: string[],
  keys: LoadKey[],
  load: { seconds: number; connections: number; rate?: number | null },
  progress: (line: string) => void,
  windows = new WindowTally(),
): Promise<DriveResult> {
  const { seconds, connections } = load;
  const latency = new LatencyHistogram();
  const statuses: Record<string, number> = {};
  let turn = 0;
  let unattributed = 0;
  const started = performance.now();

  const request = {
    setupRequest(req: autocannon.Request, context: Record<string, unknown>) {
      const key = keys[turn++ % keys.length]!;
      context.orgId = key.orgId; // one request at a time per connection: the answer is for this key
      req.headers = { ...req.headers, authorization: `Bearer ${key.key}` };
      return req;
    },
    onResponse(status: number, _body: string, context: Record<string, unknown>, headers: Record<string, unknown> | undefined) {
      const h = lowerCase(headers);
      const policy = parsePolicy(h['ratelimit-policy']);
      if (!policy) {
        if (status < 300) unattributed++;
        return;
      }
      windows.add({
        orgId: String(context.orgId),
        atMs: performance.now(),
        accepted: status !== 429,
        resetSeconds: Number(h['ratelimit-reset'] ?? 0),
        ...policy,
        degraded: h['sendook-degraded'] !== undefined,
      });
    },
  };

  const perUrl = urls.map((url) => ({ url, requests: 0 }));
  const runs = urls.map((url, i) => {
    const share = Math.max(1, Math.floor(connections / urls.length) + (i < connections % urls.length ? 1 : 0));
    const rate = load.rate ? { overallRate: Math.max(1, Math.round(load.rate / urls.length)) } : {};
    return new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        { url: `${url}/v1/health`, connections: share, duration: seconds, requests: [request as autocannon.Request], ...rate },
        (err, done) => (err ? reject(err) : resolve(done)),
      );
      instance.on('response', (_client, status, _bytes, responseTime) => {
        latency.record(responseTime);
        perUrl[i]!.requests++;
        statuses[status] = (statuses[status] ?? 0) + 1;
      });
    });
  });

  let lastCount = 0;
  const ticker = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    const counts = Object.entries(statuses).map(([code, n]) => `${code}: ${n}`).join('  ');
    progress(`${Math.min(seconds, Math.round(elapsed))}/${seconds} s  ${latency.count - lastCount} req/s  ${counts}`);
    lastCount = latency.count;
  }, 1000);
  let results: autocannon.Result[];
  try {
    results = await Promise.all(runs);
  } finally {
    clearInterval(ticker);
  }

  return {
    seconds: (performance.now() - started) / 1000,
    requests: latency.count,
    latency,
    statuses,
    perUrl,
    errors: results.reduce((n, r) => n + r.errors, 0),
    timeouts: results.reduce((n, r) => n + r.timeouts, 0),
    windows,
    unattributed,
  };
}

function lowerCase(headers: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = Array.isArray(value) ? String(value[0]) : String(value);
  return out;
}
