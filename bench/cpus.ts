import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where each process runs. On a machine with two cores or more and `taskset`, the servers share
 * CPU 0 and the load generator (this process) gets CPU 1, so that they do not steal each other's
 * time slices; MySQL and Redis float. Without taskset nothing is pinned, and the results say so.
 */
export interface CpuPlan {
  pinned: boolean;
  serverCpu: number | null;
  generatorCpu: number | null;
}

export function planCpus(): CpuPlan {
  if (availableParallelism() < 2 || !hasTaskset()) return { pinned: false, serverCpu: null, generatorCpu: null };
  return { pinned: true, serverCpu: 0, generatorCpu: 1 };
}

/** Pins every thread of this process (the load generator) to its CPU. */
export function pinSelf(plan: CpuPlan): void {
  if (plan.generatorCpu === null) return;
  execFileSync('taskset', ['-a', '-cp', String(plan.generatorCpu), String(process.pid)], { stdio: 'ignore' });
}

/** The command line that runs `argv` on the servers' CPU. */
export function onServerCpu(plan: CpuPlan, argv: string[]): string[] {
  return plan.serverCpu === null ? argv : ['taskset', '-c', String(plan.serverCpu), ...argv];
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
