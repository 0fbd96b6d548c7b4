import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './options';
import type { Slice } from './slice';

const REPORT_SCRIPT = join(ROOT, 'bench', 'wrk', 'report.lua');

let available: boolean | undefined;

/** Whether `wrk` (Debian package `wrk`) is on the PATH; BENCH_GENERATOR=autocannon ignores it. */
export function hasWrk(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.BENCH_GENERATOR === 'autocannon') return false;
  available ??= spawnSync('wrk', ['-v'], { stdio: 'ignore' }).error === undefined;
  return available;
}

/**
 * One wrk run of whole seconds against one path with one Authorization header. wrk is written in
 * C and needs a fraction of the CPU autocannon needs for the same rate, so the generator's own
 * limit does not flatten the ratios. Its CPU time is read from the shell that ran it (`times`), as
 * a share of one core over the run.
 */
export function wrkSlice(url: string, authorization: string, connections: number, seconds: number): Promise<Slice> {
  const args = ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '--timeout', '10s', '-s', REPORT_SCRIPT, '-H', `Authorization: ${authorization}`, url];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'wrk "$@"; code=$?; times; exit $code', 'wrk', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    // 'close', not 'exit': a process can exit before its output has all been read, and a slice
    // read from part of it would fail for want of the report line.
    child.on('close', (code) => {
      const line = /^BENCH (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\S*)$/m.exec(out);
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}): ${err || out}`));
      const [, requests, durationUs, p50, p99, errors, statusList] = line;
      const statuses: Record<string, number> = {};
      for (const part of statusList!.split(',').filter(Boolean)) {
        const [status, n] = part.split('=');
        statuses[status!] = Number(n);
      }
      const secondsRun = Number(durationUs) / 1e6;
      resolve({
        requests: Number(requests),
        seconds: secondsRun,
        rps: Number(requests) / secondsRun,
        latencyMs: { p50: Number(p50), p99: Number(p99) },
        statuses,
        errors: Number(errors),
        generatorCpu: childCpuSeconds(out) / secondsRun,
        exhausted: false,
        generator: 'wrk',
      });
    });
  });
}

/** The second line of bash's `times`: user and system time of its children, e.g. `0m1.234s 0m0.056s`. */
function childCpuSeconds(out: string): number {
  const lines = out.trim().split('\n');
  const children = lines[lines.length - 1] ?? '';
  let total = 0;
  for (const [, m, s] of children.matchAll(/(\d+)m([\d.]+)s/g)) total += Number(m) * 60 + Number(s);
  return total;
}
