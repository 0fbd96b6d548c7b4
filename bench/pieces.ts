import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import { hotRoutes } from '../app/middleware/hotRoutes';
import { requestIds } from '../app/middleware/requestId';
import { v1Pipeline } from '../app/pipeline';
import { loadConfig } from '../config';

/**
 * `npx tsx bench/pieces.ts`: the CPU time of each piece of the warm /v1 path, measured one by one,
 * before and after its cheaper form, each in a loop of its own. Process CPU time (not wall time)
 * per operation, median of 7 runs: much steadier on a busy shared machine than throughput,
 * though still not free of it (caches, frequency). Pieces in isolation leave out what they cost
 * the rest of the request (garbage, cache misses), so the sums are lower bounds.
 */
const RUNS = 7;

function cpuMicros(iterations: number, body: (i: number) => void): number {
  const samples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) body(i);
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / iterations);
  }
  return samples.sort((a, b) => a - b)[RUNS >> 1]!;
}

async function cpuMicrosAsync(iterations: number, body: (i: number) => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) await body(i);
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / iterations);
  }
  return samples.sort((a, b) => a - b)[RUNS >> 1]!;
}

// A stand-in for the dependencies the /v1 routers take at construction: they only keep references.
function anything(): any {
  return new Proxy(function () {}, {
    get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => 1 : key === 'config' ? loadConfig({}) : anything()),
    apply: () => anything(),
  });
}

function fakeContext(): any {
  return { method: 'GET', path: '/v1/health', request: {}, state: { organization: { id: 'org' }, apiKey: { id: 'key' } }, body: undefined, status: 404 };
}

async function main(): Promise<void> {
  const rows: Array<[string, number, number]> = [];
  const N = 200_000;

  // 1. The 100 ms deadline: a timer armed and cleared per command, or a push into the sweep's generation.
  const timers = cpuMicros(N, () => clearTimeout(setTimeout(() => undefined, 100)));
  let generation: unknown[] = [];
  const sweep = cpuMicros(N, (i) => {
    generation.push(i);
    if (generation.length === 4096) generation = []; // a sweep drops answered generations
  });
  rows.push(['Redis deadline per command (timer → one sweep)', timers, sweep]);

  // 2. The request id.
  const ids = requestIds();
  rows.push(['request id (randomUUID → prefix + counter)', cpuMicros(N, () => randomUUID()), cpuMicros(N, () => ids())]);

  // 3. Routing GET /v1/health: @koa/router over every /v1 route, or the direct dispatch.
  const pipeline = v1Pipeline(anything(), anything());
  const routed = compose([pipeline.router.routes() as Middleware, pipeline.router.allowedMethods({ throw: true }) as Middleware]);
  const direct = hotRoutes(pipeline.router, ['/v1/health']);
  const next = async () => undefined;
  rows.push([
    'route dispatch for GET /v1/health (@koa/router → hotRoutes)',
    await cpuMicrosAsync(N / 4, () => routed(fakeContext(), next)),
    await cpuMicrosAsync(N / 4, () => direct(fakeContext(), next)),
  ]);

  // 4. The error renderer's frame around a request that succeeds: async/await or one then.
  const inner = () => Promise.resolve();
  const asyncFrame = async (ctx: { status: number }) => {
    try {
      await inner();
      if (ctx.status === 404) throw new Error('x');
    } catch {
      ctx.status = 500;
    }
  };
  const thenFrame = (ctx: { status: number }) =>
    inner().then(
      () => undefined,
      () => (ctx.status = 500),
    );
  rows.push(['error renderer frame (async/await → then)', await cpuMicrosAsync(N, () => asyncFrame({ status: 200 })), await cpuMicrosAsync(N, () => thenFrame({ status: 200 }))]);

  // 5. The five headers of every /v1 answer on a real ServerResponse, set and serialised (kept:
  // docs/api.md promises them; shown for where the time goes).
  const respond = (headers: number) => {
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', '84');
    if (headers) {
      res.setHeader('X-Request-Id', '09354d3a-4dcd-4cd4-b32e-000000000001');
      res.setHeader('RateLimit-Limit', '1000');
      res.setHeader('RateLimit-Remaining', '998');
      res.setHeader('RateLimit-Reset', '42');
      res.setHeader('RateLimit-Policy', '1000;w=60');
    }
    res.writeHead(200);
  };
  const withHeaders = cpuMicros(N / 4, () => respond(5));
  const without = cpuMicros(N / 4, () => respond(0));
  rows.push(['the five headers, set and serialised (kept)', withHeaders - without, withHeaders - without]);

  console.log('| piece | before µs/op | after µs/op |');
  console.log('| --- | ---: | ---: |');
  for (const [name, before, after] of rows) console.log(`| ${name} | ${before.toFixed(3)} | ${after.toFixed(3)} |`);
}

void main();
