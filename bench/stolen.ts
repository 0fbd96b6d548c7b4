import { readFileSync } from 'node:fs';
import { round } from './stats';

/** The whole machine's CPU time so far in clock ticks, from the first line of /proc/stat. */
export interface CpuTimes {
  stolen: number;
  total: number;
}

/** Null where there is no /proc/stat (not Linux). */
export function cpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { stolen: ticks[7] ?? 0, total: ticks.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/**
 * The share of the CPUs' time between two readings that the hypervisor ran other guests instead
 * of this machine (steal time). On a shared host it is what moves absolute rates most; a
 * scenario measured while much was stolen says less than one measured while nothing was.
 */
export function stolenShare(from: CpuTimes | null, to: CpuTimes | null): number | null {
  if (!from || !to || to.total <= from.total) return null;
  return round((to.stolen - from.stolen) / (to.total - from.total), 3);
}

/** `12.5%`, or `–` when it could not be read. */
export function percent(share: number | null): string {
  return share === null ? '–' : `${round(share * 100, 1)}%`;
}
