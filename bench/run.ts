import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServers } from './apiServers';
import { planCpus, pinSelf } from './cpus';
import { provisionFixtures, recordResponses } from './fixtures';
import { measure } from './measure';
import { measureMultiInstance, MULTI_INSTANCE_SCENARIOS } from './multiInstance';
import { readBenchOptions, ROOT } from './options';
import { BARE_KOA, checkTargets, floorOf, floorSentence, writeResults, type BenchResults, type MultiInstanceResult, type ScenarioResult } from './report';
import { scenarios } from './scenarios';
import { BenchServer } from './servers';
import { ServerStatus } from './serverStatus';
import { BenchWorld } from './world';
import { defaultRateLimitMode } from './defaultMode';
import { hasWrk } from './wrkSlice';
import { cpuTimes, percent, stolenShare } from './stolen';

/**
 * `npm run bench`: the API in production mode against a bare Koa server, scenario by scenario,
 * on a fresh database and Redis prefix that are removed afterwards. Progress goes to stderr; the
 * last line of stdout is the headline ratio.
 */
async function main(): Promise<void> {
  const options = readBenchOptions();
  const selected = scenarios.filter((s) => options.only.length === 0 || options.only.includes(s.name));
  const multiSelected = MULTI_INSTANCE_SCENARIOS.filter((name) => options.only.length === 0 || options.only.includes(name));
  const plan = planCpus();
  pinSelf(plan);
  const startedAt = new Date().toISOString();
  log('building (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

  const world = await BenchWorld.create(options.mysqlUrl, options.redisUrl);
  const apis = new ApiServers(plan, world, options.redisUrl);
  // The second server of head-to-head scenarios (Scenario.reference), kept across them like apis.
  const references = new ApiServers(plan, world, options.redisUrl);
  const temp = mkdtempSync(join(tmpdir(), 'sendook-bench-'));
  let bare: BenchServer | undefined;
  const cleanup = async () => {
    await Promise.allSettled([apis.stop(), references.stop(), bare?.stop()]);
    await world.destroy();
    rmSync(temp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));

  try {
    const coldKeys = selected.some((s) => s.name === 'cold-cache') ? options.coldKeys : 0;
    const { spreadKeys, spreadOrganizations } = options;
    log(`provisioning ${spreadKeys} keys over ${spreadOrganizations} organizations and ${coldKeys} cold keys (database ${world.databaseName}, prefix ${world.redisPrefix})`);
    const { server: provisioning } = await apis.use('authThrottle', 0);
    const fixtures = await provisionFixtures(provisioning.url, world.databaseUrl, { spreadKeys, spreadOrganizations, coldKeys });
    const responses = join(temp, 'responses.json');
    await recordResponses(provisioning.url, fixtures, responses);
    apis.responses = references.responses = responses;
    // Creating a key through the API caches it; forget every cached key (the measuring servers
    // start with empty in-process caches) so that every scenario warms its own keys.
    await apis.stop();
    await world.deleteKeys('apikey:*');
    bare = await BenchServer.bare(plan, responses);
    const status = new ServerStatus(world.mysql, world.redis);
    await status.calibrate();

    const loadBefore = loadavg()[0]!;
    const runStart = cpuTimes();
    const results: ScenarioResult[] = [];
    for (const scenario of selected) {
      const pairs = scenario.pairsPerSecond * options.durationSeconds;
      // Against another server: both sides started anew for the scenario (head to head, again
      // within it, see measure), so that neither is the older process.
      const headToHead = scenario.reference !== undefined && !scenario.alternate;
      const paired = scenario.reference !== undefined;
      const servers = async () => {
        const { server: api, fresh } = await apis.use(scenario.server, expectedMs(pairs), scenario.servesManyKeys, paired);
        const ref = paired ? await references.use(scenario.reference!, expectedMs(pairs), false, true) : { server: bare!, fresh: false };
        if (fresh || ref.fresh) log(`  started ${[fresh && scenario.server, ref.fresh && scenario.reference].filter(Boolean).join(' and ')}`);
        return { api, bare: ref.server, fresh: { api: fresh, bare: ref.fresh } };
      };
      const load = scenario.load(fixtures);
      log(`${scenario.name}: ${scenario.title} (${pairs} ${headToHead ? 'joint runs' : 'pairs'})`);
      const before = cpuTimes();
      const m = await measure(load, servers, status, pairs, options.connections, headToHead);
      const stolen = stolenShare(before, cpuTimes());
      const keys = { mode: load.keys.mode, distinct: load.keys.keys.length };
      const reference = scenario.reference ?? BARE_KOA;
      results.push({ name: scenario.name, title: scenario.title, server: scenario.server, reference, path: load.path, keys, stolen, ...m });
      log(`  ${m.api.rps} req/s, ${m.ratioToBare} × ${reference} (quartiles ${m.ratioQuartiles.join('–')}), p99 ${m.api.latencyMs.p99} ms, ${JSON.stringify(m.api.statuses)}, ${m.perRequest.mysqlQueries} q/req, ${m.perRequest.redisCommands} cmd/req, ${percent(stolen)} stolen`);
      const faults = Object.entries(m.faults).filter(([, n]) => n > 0);
      if (faults.length) log(`  faults during the measurement: ${faults.map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }

    await Promise.all([apis.stop(), references.stop()]);
    const multiInstance: MultiInstanceResult[] = [];
    for (const name of multiSelected) {
      const mode = name === 'multi-instance-lease' ? 'lease' : 'exact';
      const seconds = Math.max(25, 5 * options.durationSeconds);
      log(`${name}: two API processes, RATE_LIMIT_MODE=${mode}, organizations kept at their budget, ${seconds} s`);
      const m = await measureMultiInstance(mode, plan, world, options.redisUrl, { seconds, connections: options.connections }, log);
      multiInstance.push(m);
      log(`  ${Math.round(m.requests / m.seconds)} req/s, ${JSON.stringify(m.statuses)}, ${m.windowsChecked} windows, over-admitted ${m.overAdmitted}, ${m.perRequest.redisCommands} cmd/req, ${m.perRequest.mysqlQueries} q/req`);
    }

    const byName = new Map(results.map((r) => [r.name, r]));
    const defaultMode = defaultRateLimitMode();
    // The deployed default; without that scenario, the warm key in the default mode.
    const headline = byName.get('default') ?? byName.get(defaultMode === 'lease' ? 'warm-key-lease' : 'warm-key');
    const versions = await world.versions();
    const output: BenchResults = {
      startedAt,
      finishedAt: new Date().toISOString(),
      commit: gitCommit(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        os: `${platform()} ${release()}`,
        node: process.version,
        ...versions,
        loadAverage: `${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
        stolen: stolenShare(runStart, cpuTimes()),
      },
      settings: {
        durationSeconds: options.durationSeconds,
        connections: options.connections,
        server: 'node dist/app/main.js, NODE_ENV=production; LOG_LEVEL=warn except the default configuration (info, stdout to a file)',
        pinning: plan.pinned ? `API and bare Koa on CPU ${plan.serverCpu}, the load generator on CPU ${plan.generatorCpu}` : 'not pinned (no taskset or one CPU)',
        generator: hasWrk() ? 'wrk for one-key scenarios (1-second slices), autocannon for rotating keys and several instances' : 'autocannon (wrk not on the PATH)',
        spreadKeys,
        spreadOrganizations,
        coldKeys,
        database: world.databaseName,
        redisPrefix: world.redisPrefix,
      },
      scenarios: results,
      targets: checkTargets(byName, multiInstance, defaultMode),
      headlineRatio: headline?.ratioToBare ?? null,
      headlineHeadToHead: byName.get('default-vs-bare-koa')?.ratioToBare ?? null,
      defaultMode,
      multiInstance,
      floor: floorOf(byName),
    };
    const files = writeResults(options.outputDir, output);
    log(`results: ${files.json}, ${files.markdown}`);
    for (const t of output.targets) log(`  ${t.met ? 'met ' : 'MISS'}  ${t.target}: ${t.measured}`);
    if (output.floor) log(`  floor: ${floorSentence(output.floor)}`);
    console.log(`ratio pipeline/bare-koa: ${output.headlineRatio ?? 'n/a'}`);
  } finally {
    await cleanup();
  }
}

// Generous: two 1-second slices per pair plus sampling, and warm-ups, on a busy machine.
function expectedMs(pairs: number): number {
  return pairs * 3000 + 5000;
}

const began = performance.now();
function log(message: string): void {
  process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${message}\n`);
}

function gitCommit(): string {
  try {
    // "-dirty" when the working tree differs from the commit: the results are then not its own.
    return execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=7'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
