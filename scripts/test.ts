/**
 * `npm test`: finds or starts MySQL and Redis, runs ava against them, then
 * stops whatever it started. Extra arguments (`npm test -- --match 'x*'`) go
 * to ava.
 *
 * Each server is chosen independently, first match wins:
 *   1. TEST_MYSQL_URL / TEST_REDIS_URL, if set (must answer, never replaced);
 *   2. servers already answering on 127.0.0.1:3306 (root, no password) / 6379;
 *   3. private mariadbd / redis-server in a temp folder on free ports;
 *   4. `docker compose up -d mysql|redis` (ports 13306 / 16379).
 * SENDOOK_TEST_FORCE_PRIVATE=1 skips step 2, to exercise step 3 on a machine
 * that has local servers.
 *
 * ava sees SENDOOK_TEST_MYSQL_URL (server only, no database) and SENDOOK_TEST_REDIS_URL.
 *
 * The files whose assertions depend on the request bucket's mode run a second time in exact mode
 * (testServices/rateLimitModes.ts); every other test runs in the default, lease.
 *
 * When the run includes test/cluster/ (the whole suite, or a file there), a Redis Cluster too:
 * TEST_REDIS_CLUSTER_NODES if set, else a private one (six redis-server, testServices/
 * privateCluster.ts) that every cluster test file shares, each with its own prefix. ava sees
 * SENDOOK_TEST_REDIS_CLUSTER_NODES.
 */
import { join } from 'node:path';
import { buildDashboard } from '../test/helpers/browser';
import { runAva, signalExitCode } from './testServices/ava';
import { Cleanup } from './testServices/cleanup';
import { errorMessage } from './testServices/probes';
import { resolveCluster } from './testServices/cluster';
import { SECOND_PASS_MODE, secondPassArgs } from './testServices/rateLimitModes';
import { resolveService } from './testServices/resolve';
import { mysqlSpec, redisSpec } from './testServices/specs';

const REPO_ROOT = join(__dirname, '..');

interface TestRunOptions {
  mysqlUrl: string | undefined;
  redisUrl: string | undefined;
  clusterNodes: string | undefined;
  forcePrivate: boolean;
  avaArgs: string[];
}

/** The only place this script reads the environment. */
function readOptions(): TestRunOptions {
  return {
    mysqlUrl: process.env.TEST_MYSQL_URL || undefined,
    redisUrl: process.env.TEST_REDIS_URL || undefined,
    clusterNodes: process.env.TEST_REDIS_CLUSTER_NODES || undefined,
    forcePrivate: process.env.SENDOOK_TEST_FORCE_PRIVATE === '1',
    avaArgs: process.argv.slice(2),
  };
}

async function main(cleanup: Cleanup): Promise<number> {
  const options = readOptions();
  const resolveOptions = { forcePrivate: options.forcePrivate, cleanup, repoRoot: REPO_ROOT };
  const mysql = await resolveService(mysqlSpec(options.mysqlUrl), resolveOptions);
  const redis = await resolveService(redisSpec(options.redisUrl), resolveOptions);
  // Interrupted while starting servers: the signal handler is already exiting.
  if (cleanup.isClosing) return 1;
  if (!mysql || !redis) {
    console.error(missingServicesMessage(!mysql, !redis));
    return 1;
  }
  const cluster = await resolveCluster(options.clusterNodes, options.avaArgs, cleanup);
  if (cleanup.isClosing) return 1;
  console.log(`mysql: ${mysql.label}, redis: ${redis.label}${cluster ? `, cluster: ${cluster.label}` : ''}`);
  const env: NodeJS.ProcessEnv = { ...process.env, SENDOOK_TEST_MYSQL_URL: mysql.url, SENDOOK_TEST_REDIS_URL: redis.url };
  if (cluster) env.SENDOOK_TEST_REDIS_CLUSTER_NODES = cluster.nodes;
  // The browser tests' dashboard, built once for the whole run (test/helpers/browser.ts says why).
  if (runsBrowserTests(options.avaArgs)) {
    await buildDashboard();
    env.SENDOOK_TEST_DASHBOARD_BUILT = '1';
  }
  const code = await runAva(cleanup, REPO_ROOT, options.avaArgs, env);
  // The request-budget-sensitive files once more in the other rate-limit mode
  // (testServices/rateLimitModes.ts), unless a mode was chosen for the whole run.
  const again = process.env.SENDOOK_TEST_RATE_LIMIT_MODE ? [] : secondPassArgs(options.avaArgs);
  if (again.length === 0 || cleanup.isClosing) return code;
  console.log(`npm test: the rate-limit-sensitive files again with RATE_LIMIT_MODE=${SECOND_PASS_MODE}`);
  const secondCode = await runAva(cleanup, REPO_ROOT, again, { ...env, SENDOOK_TEST_RATE_LIMIT_MODE: SECOND_PASS_MODE });
  return code !== 0 ? code : secondCode;
}

/** Whether ava will run test/e2e: a whole run, or files or folders under it named. */
function runsBrowserTests(avaArgs: string[]): boolean {
  const files = avaArgs.filter((arg) => !arg.startsWith('-'));
  return files.length === 0 || files.some((file) => file.includes('e2e'));
}

function missingServicesMessage(mysqlMissing: boolean, redisMissing: boolean): string {
  if (mysqlMissing && redisMissing) {
    return 'npm test needs MySQL/MariaDB and Redis: install mariadb-server and redis-server, or set TEST_MYSQL_URL and TEST_REDIS_URL';
  }
  return mysqlMissing
    ? 'npm test needs MySQL/MariaDB: install mariadb-server, or set TEST_MYSQL_URL'
    : 'npm test needs Redis: install redis-server, or set TEST_REDIS_URL';
}

/**
 * First signal: undo everything, newest first (ava, then servers, then
 * folders), and exit. Second signal: exit now and leave the rest to the
 * guardian process (testServices/guardian.ts). Returns a getter for the
 * signal received, so every exit path reports it in the exit code.
 */
function exitOnSignals(cleanup: Cleanup): () => NodeJS.Signals | undefined {
  let received: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) process.exit(signalExitCode(signal));
    received = signal;
    void cleanup.releaseAll().then(() => process.exit(signalExitCode(signal)));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => received;
}

const cleanup = new Cleanup();
const receivedSignal = exitOnSignals(cleanup);
main(cleanup)
  .catch((error: unknown) => {
    console.error(`npm test: ${errorMessage(error)}`);
    return 1;
  })
  .then(async (code) => {
    await cleanup.releaseAll();
    const signal = receivedSignal();
    process.exit(signal ? signalExitCode(signal) : code);
  });
