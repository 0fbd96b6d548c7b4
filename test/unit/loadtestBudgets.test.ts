import test from 'ava';
import { checkBudgets, parsePolicy, WindowTally, type Observation } from '../../bench/loadtest/budgets';
import { LatencyHistogram } from '../../bench/loadtest/latency';

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

test('millions of answers are tallied per window without being kept (no stack or memory growth per answer)', (t) => {
  // 2.4 million answers over 40 s of a 10 s window, 60 per ms: the original load test kept every
  // one of them and overflowed the stack merging them.
  function* many(): Generator<Observation> {
    for (let ms = 0; ms < 40_000; ms++) {
      const end = (Math.floor(ms / 10_000) + 1) * 10_000;
      for (let i = 0; i < 60; i++) {
        const accepted = (ms % 10_000) * 60 + i < 1000;
        yield { orgId: 'org', atMs: ms + 2, accepted, resetSeconds: Math.ceil((end - ms) / 1000), limit: 1000, windowSeconds: 10, degraded: false };
      }
    }
  }
  const tally = new WindowTally();
  for (const o of many()) tally.add(o);
  t.is(tally.size, 2_400_000);
  const report = tally.report(5);
  t.deepEqual(report.windows.map((w) => [w.accepted, w.rejected]), [[1000, 599_000], [1000, 599_000], [1000, 599_000], [1000, 599_000]]);
  t.is(report.overAdmitted, 0);
});

test('answers of one organization from several instances are counted against one budget', (t) => {
  // Two instances, each with its own correct bucket for the same organization: each stays within
  // the limit alone, together they admit twice the budget in every window.
  const a = answers('org', 0, 10, 50, every(5, 30_000, 40), 20);
  const b = answers('org', 3, 10, 50, every(8, 30_000, 40), 30);
  const tally = new WindowTally();
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) tally.add(a[i]!);
    if (b[i]) tally.add(b[i]!);
  }
  const report = tally.report(60);
  t.deepEqual(report.windows.map((w) => w.accepted), [100, 100, 100]);
  t.is(report.overAdmitted, 150);
});

test('the latency histogram gives percentiles to its step in fixed memory', (t) => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 10_000; i++) h.record(i / 100); // 0.01 .. 100 ms
  h.record(2500);
  t.is(h.count, 10_001);
  // Exact to the 0.01 ms step (the upper edge of the value's step).
  t.true(Math.abs(h.percentile(50) - 50.01) <= 0.0100001, String(h.percentile(50)));
  t.true(Math.abs(h.percentile(99) - 99.01) <= 0.0100001, String(h.percentile(99)));
  t.is(h.max, 2500);
  t.is(h.percentile(100), 2500);
  t.true(Number.isNaN(new LatencyHistogram().percentile(50)));
});

test('degraded answers are placed in the window Redis decided in, and over-admission is split into healthy and degraded', (t) => {
  // Redis admits the whole budget of the second window, then stops answering and a fallback
  // bucket with its own, later-ending window admits 9 more inside that same window.
  const obs = answers('org', 0, 10, 50, every(5, 29_000, 50), 20);
  const fallbackEndsAt = 25_000;
  for (const at of every(15_000, 15_090, 10)) {
    obs.push({ orgId: 'org', atMs: at + 20, accepted: true, resetSeconds: Math.ceil((fallbackEndsAt - at) / 1000), limit: 50, windowSeconds: 10, degraded: true });
  }
  const report = checkBudgets(obs, 40);
  t.is(report.windows.length, 3);
  t.deepEqual(report.windows.map((w) => [w.accepted, w.acceptedDegraded]), [[50, 0], [59, 9], [50, 0]]);
  t.is(report.overAdmitted, 9);
  t.is(report.overAdmittedWhileHealthy, 0);
  t.is(report.overAdmittedWhileDegraded, 9);
  t.deepEqual(report.budgets, ['50 per 10 s']);
});

test('every window has a possible end range whose lower bound is at most its upper bound', (t) => {
  // Latencies beyond the stated bound (a starved load generator) would have made ranges empty.
  let seed = 7;
  const jitter = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 900;
  const report = checkBudgets(answers('org', 0, 10, 1000, every(0, 60_000, 3), jitter), 100);
  t.true(report.windows.length > 0);
  for (const w of report.windows) t.true(w.endsBetweenMs[0] <= w.endsBetweenMs[1], JSON.stringify(w.endsBetweenMs));
});
