import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Cleanup } from './cleanup';
import { findExecutable, freePort, runCommand, startProcess, temporaryFolder, type TrackedProcess } from './processes';
import { pingRedis, waitUntilAnswers } from './probes';

const START_TIMEOUT_MS = 60_000;
const NODE_COUNT = 6;

/** One redis-server of a private cluster. */
export interface ClusterNodeProcess {
  port: number;
  process: TrackedProcess;
}

export interface PrivateCluster {
  /** REDIS_CLUSTER_NODES: every node, masters and replicas. */
  nodes: string;
  members: ClusterNodeProcess[];
  label: string;
  /** Stops the servers and deletes their folder (also done by the Cleanup it was started with). */
  release(): Promise<void>;
}

/**
 * Starts a throwaway Redis Cluster: six memory-only `redis-server --cluster-enabled yes` on free
 * ports in a temp folder, joined by `redis-cli --cluster create --cluster-replicas 1` into three
 * masters with a replica each. A short node timeout makes a killed master's replica take over
 * within about two seconds. Returns undefined when redis-server or redis-cli is not installed.
 */
export async function startPrivateCluster(cleanup: Cleanup, nodeTimeoutMs = 1000): Promise<PrivateCluster | undefined> {
  const server = findExecutable('redis-server');
  const cli = findExecutable('redis-cli');
  if (!server || !cli) return undefined;

  const dir = await mkdtemp(join(tmpdir(), 'sendook-test-cluster-'));
  const releases = [cleanup.add(temporaryFolder(dir))];
  const release = async () => {
    for (const r of releases) await r();
  };
  try {
    const members: ClusterNodeProcess[] = [];
    const taken = new Set<number>();
    const distinctPort = async () => {
      let port = await freePort();
      while (taken.has(port)) port = await freePort();
      taken.add(port);
      return port;
    };
    for (let i = 0; i < NODE_COUNT; i++) {
      // The bus port is given explicitly: the default (port + 10000) may be taken or past 65535.
      const [port, busPort] = [await distinctPort(), await distinctPort()];
      const args = [
        ...['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
        ...['--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-replica-validity-factor', '0'],
        ...['--save', '', '--appendonly', 'no', '--dir', dir],
      ];
      const daemon = startProcess(server, args, join(dir, `redis-${port}.log`));
      releases.unshift(cleanup.add(daemon));
      members.push({ port, process: daemon });
    }
    for (const m of members) {
      await waitUntilAnswers(() => pingRedis(`redis://127.0.0.1:${m.port}`), { timeoutMs: START_TIMEOUT_MS, abortReason: m.process.exitReason });
    }
    const hosts = members.map((m) => `127.0.0.1:${m.port}`);
    await runCommand(cli, ['--cluster', 'create', ...hosts, '--cluster-replicas', '1', '--cluster-yes'], { timeoutMs: START_TIMEOUT_MS });
    await waitUntilAnswers(() => clusterSettled(members.map((m) => m.port)), { timeoutMs: START_TIMEOUT_MS });
    return { nodes: hosts.join(','), members, label: `private Redis Cluster (3 masters, 3 replicas) on 127.0.0.1:${members.map((m) => m.port).join(',')}`, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/** Every node says cluster_state:ok, sees six nodes, and every replica's link to its master is up. */
async function clusterSettled(ports: number[]): Promise<void> {
  for (const port of ports) {
    const redis = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, commandTimeout: 2000 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      const info = String(await redis.cluster('INFO'));
      if (!info.includes('cluster_state:ok')) throw new Error(`127.0.0.1:${port}: cluster not ok yet`);
      if (!info.includes(`cluster_known_nodes:${ports.length}`)) throw new Error(`127.0.0.1:${port}: not every node known yet`);
      const replication = await redis.info('replication');
      if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) throw new Error(`127.0.0.1:${port}: replica not in sync yet`);
    } finally {
      redis.disconnect();
    }
  }
}
