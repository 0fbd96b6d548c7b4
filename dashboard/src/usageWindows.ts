// The two windows the Usage page and a key's detail draw: an hour by minute, 7 days by hour.
export interface UsageWindow {
  id: 'hour' | 'week';
  label: string;
  granularity: 'minute' | 'hour';
  stepMs: number;
  buckets: number;
}

export const WINDOWS: UsageWindow[] = [
  { id: 'hour', label: 'Last hour, by minute', granularity: 'minute', stepMs: 60_000, buckets: 60 },
  { id: 'week', label: 'Last 7 days, by hour', granularity: 'hour', stepMs: 3_600_000, buckets: 168 },
];

/** Start of the first bucket: the window ends with the bucket now in progress. */
export function windowStart(w: UsageWindow, now = Date.now()): number {
  return now - (now % w.stepMs) - (w.buckets - 1) * w.stepMs;
}
