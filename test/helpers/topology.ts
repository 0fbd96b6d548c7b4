import { Cleanup } from '../../scripts/testServices/cleanup';
import { startPrivateCluster, type PrivateCluster } from '../../scripts/testServices/privateCluster';

/**
 * Which Redis the test worlds of this file use. Test files run on one Redis by default; a file
 * under test/cluster/ calls useCluster() and then imports an existing test file, so the same
 * tests run on a Redis Cluster without being copied.
 */
export type Topology = 'single' | 'cluster';

let current: Topology = 'single';
let shared: Promise<string> | null = null;
let ownShared: Promise<{ stop(): Promise<void> }> | null = null;

export function useCluster(): void {
  current = 'cluster';
}

export function topology(): Topology {
  return current;
}

/**
 * REDIS_CLUSTER_NODES of the suite's shared cluster: the one `npm test` started (every cluster
 * test file uses it, each with its own prefix), else one started for this file alone.
 */
export function sharedClusterNodes(): Promise<string> {
  if (!shared && process.env.SENDOOK_TEST_REDIS_CLUSTER_NODES) shared = Promise.resolve(process.env.SENDOOK_TEST_REDIS_CLUSTER_NODES);
  if (!shared) {
    const own = ownCluster();
    ownShared = own;
    shared = own.then((c) => c.nodes);
  }
  return shared;
}

/** Stops the cluster sharedClusterNodes() started for this file alone, if it did. */
export async function stopOwnSharedCluster(): Promise<void> {
  const own = await ownShared?.catch(() => null);
  await own?.stop();
}

/**
 * A private cluster for this test file (the failover test kills one of its nodes, so it never
 * uses the shared one). Stopped at process exit at the latest, by the guardian of its Cleanup.
 */
export async function ownCluster(): Promise<PrivateCluster & { stop(): Promise<void> }> {
  const cleanup = new Cleanup();
  const cluster = await startPrivateCluster(cleanup);
  if (!cluster) throw new Error('the cluster tests need redis-server and redis-cli (Debian package redis-server)');
  return { ...cluster, stop: () => cleanup.releaseAll() };
}
