import autocannon from 'autocannon';
import type { KeySource } from './keySource';

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

/** One autocannon run: counts, every latency, and how busy the load generator was. */
export interface Slice {
  requests: number;
  seconds: number;
  rps: number;
  latenciesMs: number[];
  statuses: Record<string, number>;
  errors: number;
  /** CPU the load generator used, as a fraction of one core. Near 1: it, not the server, was the limit. */
  generatorCpu: number;
  /** An eachOnce source ran out of fresh keys before the time was up. */
  exhausted: boolean;
}

export async function runSlice(url: string, load: Load, options: SliceOptions): Promise<Slice> {
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
    latenciesMs,
    statuses,
    errors: result.errors,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    exhausted,
  };
}
