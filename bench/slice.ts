import autocannon from 'autocannon';
import type { KeySource } from './keySource';
import { percentile } from './stats';
import { hasWrk, wrkSlice } from './wrkSlice';

/** What one scenario sends: a path and where each request's key comes from. */
export interface Load {
  path: string;
  keys: KeySource;
}

export interface SliceOptions {
  connections: number;
  /** Run for this long... */
  seconds?: number;
  /** ...or until this many requests are answered. */
  amount?: number;
  /** Whether the target is the API (eachOnce keys are consumed) or the bare reference. */
  forApi: boolean;
}

/** One run of the load generator: counts, latency, and how busy the generator was. */
export interface Slice {
  requests: number;
  seconds: number;
  rps: number;
  latencyMs: { p50: number; p99: number };
  statuses: Record<string, number>;
  errors: number;
  /** CPU the load generator used, as a fraction of one core. Near 1: it, not the server, was the limit. */
  generatorCpu: number;
  /** An eachOnce source ran out of fresh keys before the time was up. */
  exhausted: boolean;
  generator: 'wrk' | 'autocannon';
}

/** Seconds of a slice that wrk runs instead of a fixed number of requests. */
export const WRK_SLICE_SECONDS = 1;

/**
 * One slice. With one key for every request and wrk on the PATH, wrk runs it for whole seconds
 * (`amount` becomes WRK_SLICE_SECONDS: wrk cannot stop after a number of requests, so counts per
 * request may include up to `connections` requests still in flight when it stopped). Otherwise
 * autocannon, which can rotate keys per request and stop after exactly `amount` answers.
 */
export function runSlice(url: string, load: Load, options: SliceOptions): Promise<Slice> {
  if (load.keys.mode === 'same' && hasWrk()) {
    const seconds = options.amount ? WRK_SLICE_SECONDS : (options.seconds ?? 1);
    return wrkSliceOfSomeAnswers(url + load.path, `Bearer ${load.keys.next(options.forApi)}`, options.connections, seconds);
  }
  return autocannonSlice(url, load, options);
}

// A server answering slower than its connections per second (a fresh process, or a machine
// swamped by other work) would end a 1-second wrk run with nothing counted: run longer instead.
const WRK_MAX_SECONDS = 8;

async function wrkSliceOfSomeAnswers(url: string, authorization: string, connections: number, seconds: number): Promise<Slice> {
  for (let s = seconds; ; s *= 2) {
    const slice = await wrkSlice(url, authorization, connections, s);
    if (slice.requests >= connections || s * 2 > WRK_MAX_SECONDS) return slice;
  }
}

export async function autocannonSlice(url: string, load: Load, options: SliceOptions): Promise<Slice> {
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let exhausted = false;
  let instance: autocannon.Instance | undefined;

  // autocannon notices that a run is over only at its next sample, every sampleInt ms (1000 by
  // default): a run of `amount` requests would look up to a second longer than it was.
  const base = { url: url + load.path, connections: options.connections, timeout: 10, sampleInt: 10 };
  const length = options.amount ? { amount: options.amount } : { duration: options.seconds ?? 1 };
  const request =
    load.keys.mode === 'same'
      ? { headers: { authorization: `Bearer ${load.keys.next(options.forApi)}` } }
      : {
          requests: [
            {
              // Runs for every request, on both sides of a pair, so the generator's cost is equal.
              setupRequest(req: autocannon.Request) {
                let key = load.keys.next(options.forApi);
                if (key === undefined) {
                  exhausted = true;
                  instance?.stop();
                  key = load.keys.keys[load.keys.keys.length - 1]!;
                }
                req.headers = { ...req.headers, authorization: `Bearer ${key}` };
                return req;
              },
            },
          ],
        };

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ ...base, ...length, ...request }, (err, done) => (err ? reject(err) : resolve(done)));
    instance.on('response', (_client, status, _bytes, responseTime) => {
      lastAnswer = performance.now();
      latenciesMs.push(responseTime);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
  // From the start to the last answer: not the idle time until autocannon's next sample.
  const seconds = (lastAnswer - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requests: latenciesMs.length,
    seconds,
    rps: latenciesMs.length / seconds,
    latencyMs: { p50: percentile(latenciesMs, 50), p99: percentile(latenciesMs, 99) },
    statuses,
    errors: result.errors,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    exhausted,
    generator: 'autocannon',
  };
}
