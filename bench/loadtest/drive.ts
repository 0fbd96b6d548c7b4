import autocannon from 'autocannon';
import { parsePolicy, type Observation } from './budgets';

export interface LoadKey {
  key: string;
  orgId: string;
}

export interface DriveResult {
  seconds: number;
  requests: number;
  latenciesMs: number[];
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  observations: Observation[];
  /** 2xx answers without RateLimit-Policy: not attributable to a window (should be 0). */
  unattributed: number;
}

/** Drives GET /v1/health with every key in turn and records what each answer says about its bucket. */
export async function drive(url: string, keys: LoadKey[], seconds: number, connections: number, progress: (line: string) => void): Promise<DriveResult> {
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  const observations: Observation[] = [];
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
      observations.push({
        orgId: String(context.orgId),
        atMs: performance.now(),
        accepted: status !== 429,
        resetSeconds: Number(h['ratelimit-reset'] ?? 0),
        ...policy,
        degraded: h['sendook-degraded'] !== undefined,
      });
    },
  };

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: `${url}/v1/health`, connections, duration: seconds, requests: [request as autocannon.Request] },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      latenciesMs.push(responseTime);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
    let lastCount = 0;
    instance.on('tick', () => {
      const elapsed = (performance.now() - started) / 1000;
      const counts = Object.entries(statuses).map(([code, n]) => `${code}: ${n}`).join('  ');
      progress(`${Math.min(seconds, Math.round(elapsed))}/${seconds} s  ${latenciesMs.length - lastCount} req/s  ${counts}`);
      lastCount = latenciesMs.length;
    });
  });

  return {
    seconds: (performance.now() - started) / 1000,
    requests: latenciesMs.length,
    latenciesMs,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    observations,
    unattributed,
  };
}

function lowerCase(headers: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = Array.isArray(value) ? String(value[0]) : String(value);
  return out;
}
