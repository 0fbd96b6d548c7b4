/**
 * `npx tsx bench/cluster/run.ts`: Redis commands per warm /v1 request, and how they spread over
 * the nodes, on one redis-server and on clusters of 1, 2 and 3 masters (private servers on free
 * ports, stopped afterwards). Counts, not speed: this machine's two cores are shared, so what
 * matters is the per-node share of commands and CPU, which falls as masters are added.
 * Writes bench/cluster/results-latest.md. BENCH_CLUSTER_REQUESTS (default 3000).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cleanup } from '../../scripts/testServices/cleanup';
import { startPrivateRedis } from '../../scripts/testServices/privateRedis';
import { register, TestWorld, type TestApp } from '../../test/helpers/testApp';
import { nodeLoad, startMasters } from './masters';

const REQUESTS = Number(process.env.BENCH_CLUSTER_REQUESTS ?? 3000);
const ORGANIZATIONS = Number(process.env.BENCH_CLUSTER_ORGANIZATIONS ?? 30);
const CONCURRENCY = 16;

interface Row {
  topology: string;
  commandsPerRequest: number;
  degraded: number;
  perNode: Array<{ share: number; cpuMsPer1000: number }>;
}

async function measure(topology: string, world: TestWorld, ports: number[]): Promise<Row> {
  const app = await world.start({ RATE_LIMIT_POINTS: '1000000' });
  const keys = await organizationKeys(app);
  console.error(`${topology}: ${keys.length} organizations ready`);
  for (const key of keys) await app.get('/v1/health', { auth: key }); // warm: caches filled, scripts loaded
  const commandsBefore = app.deps.counters.redisCommands;
  const degradedBefore = app.deps.counters.degradedAdmits;
  const loadBefore = await Promise.all(ports.map(nodeLoad));
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const key = keys[next++ % keys.length]!;
        const res = await app.get('/v1/health', { auth: key });
        if (res.status !== 200) throw new Error(`${topology}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    }),
  );
  const loadAfter = await Promise.all(ports.map(nodeLoad));
  console.error(`${topology}: measured`);
  const commands = loadAfter.map((l, i) => l.commands - loadBefore[i]!.commands);
  const total = commands.reduce((a, b) => a + b, 0);
  return {
    topology,
    commandsPerRequest: (app.deps.counters.redisCommands - commandsBefore) / REQUESTS,
    degraded: app.deps.counters.degradedAdmits - degradedBefore,
    perNode: loadAfter.map((l, i) => ({ share: commands[i]! / total, cpuMsPer1000: ((l.cpuSeconds - loadBefore[i]!.cpuSeconds) * 1e6) / REQUESTS })),
  };
}

/** Organizations of one owner, each with a key, made through the public API. */
async function organizationKeys(app: TestApp): Promise<string[]> {
  const owner = await register(app);
  const keys = [owner.key];
  for (let i = 1; i < ORGANIZATIONS; i++) {
    const org = await app.post('/organizations', { auth: owner.token, body: { name: `bench ${i}` } });
    const key = await app.post(`/organizations/${org.body.id}/api_keys`, { auth: owner.token, body: { name: 'bench' } });
    keys.push(key.body.key);
  }
  return keys;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const cleanup = new Cleanup();
  try {
    const single = await startPrivateRedis(cleanup);
    if (!single) throw new Error('needs redis-server');
    const world = await TestWorld.create({ topology: 'single', redisUrl: single.url });
    rows.push(await measure('one redis-server', world, [Number(new URL(single.url).port)]));
    await world.close();
    for (const masters of [1, 2, 3]) {
      const cluster = await startMasters(cleanup, masters);
      const clusterWorld = await TestWorld.create({ clusterNodes: cluster.nodes });
      rows.push(await measure(`cluster, ${masters} master${masters > 1 ? 's' : ''}`, clusterWorld, cluster.ports));
      await clusterWorld.close();
    }
  } finally {
    await cleanup.releaseAll();
  }
  const lines = [
    `Warm GET /v1/health, ${REQUESTS} requests over ${ORGANIZATIONS} organizations, ${CONCURRENCY} at a time, RATE_LIMIT_MODE=exact.`,
    '',
    '| topology | Redis commands per request | share of commands per node | node CPU per 1,000 requests (ms), per node | degraded |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      [
        r.topology,
        r.commandsPerRequest.toFixed(3),
        r.perNode.map((n) => `${Math.round(n.share * 100)} %`).join(' / '),
        r.perNode.map((n) => n.cpuMsPer1000.toFixed(1)).join(' / '),
        String(r.degraded),
      ].join(' | '),
    ).map((l) => `| ${l} |`),
  ];
  const text = lines.join('\n');
  console.log(text);
  writeFileSync(join(__dirname, 'results-latest.md'), `${text}\n`);
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
