import test from 'ava';
import { checkBudgets, parsePolicy, type Observation } from '../../bench/loadtest/budgets';

// A fixed-window bucket as the server runs it: the window opens at `opensAt` and lasts `w` s. The
// server decides at `serverAtMs` (increasing); the client sees the answer `latency` ms later.
function answers(orgId: string, opensAtMs: number, w: number, limit: number, serverAtMs: number[], latency: number | (() => number) = 0): Observation[] {
  let window = -1;
  let used = 0;
  return serverAtMs.map((serverAt) => {
    const index = Math.floor((serverAt - opensAtMs) / (w * 1000));
    if (index !== window) (window = index), (used = 0);
    used++;
    const end = opensAtMs + (index + 1) * w * 1000;
    const atMs = serverAt + (typeof latency === 'number' ? latency : latency());
    return { orgId, atMs, accepted: used <= limit, resetSeconds: Math.ceil((end - serverAt) / 1000), limit, windowSeconds: w, degraded: false };
  });
}

function every(startMs: number, endMs: number, stepMs: number): number[] {
  const out: number[] = [];
  for (let t = startMs; t < endMs; t += stepMs) out.push(t);
  return out;
}

test('answers of a well-behaved limiter fall into their windows with nothing over-admitted', (t) => {
  const obs = answers('org', 0, 10, 50, every(5, 40_000, 37), 40);
  const report = checkBudgets(obs, 80);
  t.is(report.windows.length, 4);
  t.deepEqual(report.windows.map((w) => w.accepted), [50, 50, 50, 50]);
  t.is(report.overAdmitted, 0);
  t.deepEqual(report.unchecked, []);
});

test('latencies that vary up to the bound neither split nor merge windows', (t) => {
  let seed = 42;
  const jitter = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 300;
  const report = checkBudgets(answers('org', 0, 3, 40, every(400, 30_000, 11), jitter), 300);
  t.is(report.windows.length, 10);
  t.is(report.overAdmitted, 0);
});

test('accepted answers beyond the limit in one window are counted as over-admission', (t) => {
  const obs = answers('org', 0, 10, 50, every(5, 25_000, 50));
  // The server wrongly accepts 7 of the answers it should have refused in the second window.
  let flipped = 0;
  for (const o of obs) if (!o.accepted && o.atMs > 10_000 && o.atMs < 20_000 && flipped < 7) (o.accepted = true), flipped++;
  const report = checkBudgets(obs, 0);
  t.is(report.overAdmitted, 7);
  t.deepEqual(report.windows.map((w) => w.overAdmitted), [0, 7, 0]);
});

test('organizations are checked separately', (t) => {
  const report = checkBudgets([...answers('a', 0, 5, 10, every(0, 9_000, 100)), ...answers('b', 2_000, 5, 1000, every(2_000, 9_000, 10))], 0);
  t.deepEqual([...new Set(report.windows.map((w) => w.orgId))], ['a', 'b']);
  t.is(report.overAdmitted, 0);
});

test('windows too short for whole-second RateLimit-Reset are reported as unchecked, not guessed', (t) => {
  const report = checkBudgets(answers('org', 0, 2, 5, every(0, 6_000, 100)), 50);
  t.deepEqual(report.unchecked, ['org']);
  t.is(report.windows.length, 0);
});

test('RateLimit-Policy is parsed as points and window', (t) => {
  t.deepEqual(parsePolicy('1000;w=60'), { limit: 1000, windowSeconds: 60 });
  t.is(parsePolicy(undefined), null);
  t.is(parsePolicy('garbage'), null);
});
