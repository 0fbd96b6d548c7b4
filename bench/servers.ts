import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { freePort } from '../scripts/testServices/processes';
import { join } from 'node:path';
import { onServerCpu, type CpuPlan } from './cpus';
import { ROOT } from './options';

/** The per-process counts of app/infra/counters.ts, summed over the server's Counters. */
export const COUNTER_NAMES = ['mysqlQueries', 'keyLookupQueries', 'redisCommands', 'redisErrors', 'mysqlErrors', 'degradedAdmits'] as const;
export type CounterSnapshot = Record<(typeof COUNTER_NAMES)[number], number>;
export const ZERO_COUNTERS: CounterSnapshot = { mysqlQueries: 0, keyLookupQueries: 0, redisCommands: 0, redisErrors: 0, mysqlErrors: 0, degradedAdmits: 0 };

const PROBE = join(ROOT, 'bench', 'probe', 'countersProbe.cjs');
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux the bench targets

/** A server process the bench started: the API (dist or sources), the bare Koa reference or the floor. */
export class BenchServer {
  private output = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly url: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000)));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts the API in production mode: `node dist/app/main.js`, built by the bench first. */
  static api(name: string, plan: CpuPlan, env: Record<string, string>): Promise<BenchServer> {
    return BenchServer.start(name, plan, ['--require', PROBE, join(ROOT, 'dist', 'app', 'main.js')], env, '/health', env.LOG_LEVEL === 'info');
  }

  /**
   * Starts the bare Koa reference server (with @koa/router, or without), answering with the given
   * bodies by path; `endOfTurn`: at the end of the event-loop turn, as the API answers.
   */
  static bare(plan: CpuPlan, responsesFile: string, router = true, endOfTurn = false): Promise<BenchServer> {
    const argv = ['--import', 'tsx', join(ROOT, 'bench', 'bareKoa.ts')];
    const name = endOfTurn ? 'bare-koa-end-of-turn' : router ? 'bare-koa' : 'koa-without-router';
    return BenchServer.start(name, plan, argv, { BARE_RESPONSES: responsesFile, BARE_ROUTER: String(router), BARE_END_OF_TURN: String(endOfTurn) }, '/v1/health');
  }

  /** Starts the floor reference (bench/floorKoa.ts): bare Koa plus only the unavoidable work. */
  static floor(plan: CpuPlan, env: Record<string, string>, client: 'plain' | 'api' | 'lease'): Promise<BenchServer> {
    const argv = ['--import', 'tsx', join(ROOT, 'bench', 'floorKoa.ts')];
    const name = { plain: 'floor', api: 'floor-api-client', lease: 'lease-floor' }[client];
    return BenchServer.start(name, plan, argv, { NODE_ENV: 'production', FLOOR_CLIENT: client, ...env }, '/v1/health');
  }

  /**
   * `logToFile`: stdout (the access log at LOG_LEVEL=info) goes to a file, as in a deployment that
   * logs to one, instead of into a pipe the bench would have to read; removed when it stops.
   */
  private static async start(name: string, plan: CpuPlan, nodeArgs: string[], env: Record<string, string>, probePath: string, logToFile = false) {
    const port = await freePort();
    const [command, ...args] = onServerCpu(plan, [process.execPath, ...nodeArgs]);
    const logFile = logToFile ? join(tmpdir(), `sendook-bench-${process.pid}-${port}.log`) : null;
    const child = spawn(command!, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
      stdio: ['ignore', logFile ? openSync(logFile, 'w') : 'pipe', 'pipe', 'ipc'],
    });
    if (logFile) void new Promise((resolve) => child.once('exit', resolve)).then(() => rmSync(logFile, { force: true }));
    const server = new BenchServer(name, `http://127.0.0.1:${port}`, child);
    await server.waitUntilAnswering(probePath);
    return server;
  }

  /** Exact counts from the server's own counters (see bench/probe/countersProbe.cjs). */
  counters(): Promise<CounterSnapshot> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no answer to the counters probe`)), 5000);
      const onMessage = (message: { type?: string; counters?: CounterSnapshot; instances?: number }) => {
        if (message?.type !== 'bench:counters') return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        if (!message.instances) reject(new Error(`${this.name}: the counters probe found no Counters in the server; did app/infra/counters.ts change?`));
        resolve({ ...ZERO_COUNTERS, ...message.counters });
      };
      this.child.on('message', onMessage);
      this.child.send('bench:counters');
    });
  }

  /** CPU time (user + system) the process has used so far, in seconds; null off Linux. */
  cpuSeconds(): number | null {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return null;
    }
  }

  /**
   * SIGTERM, then SIGKILL after a short grace: the API's graceful stop ends with a lastUsedAt
   * flush of every key it served (one UPDATE each), which the bench has no use for.
   */
  async stop(graceMs = 3000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private async waitUntilAnswering(path: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output}`);
      const status = await fetch(this.url + path).then((r) => r.status, () => 0);
      if (status > 0 && status < 500) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.stop();
    throw new Error(`${this.name} did not answer within 60 s:\n${this.output}`);
  }
}

