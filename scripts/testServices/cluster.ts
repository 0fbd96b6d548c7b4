import type { Cleanup } from './cleanup';
import { startPrivateCluster } from './privateCluster';
import { errorMessage, pingRedis, waitUntilAnswers } from './probes';

/** Arguments naming test files, and none under test/cluster/: the run needs no cluster. */
export function needsCluster(avaArgs: string[]): boolean {
  const files = avaArgs.filter((a) => !a.startsWith('-') && /\.test\.ts$|\/$|^test\b/.test(a));
  return files.length === 0 || files.some((f) => f.includes('cluster'));
}

/**
 * The Redis Cluster of the cluster test files: TEST_REDIS_CLUSTER_NODES (must answer), else a
 * private one stopped after the run. Undefined when the run needs none, or when redis-server is
 * missing (the cluster test files then say what to install).
 */
export async function resolveCluster(envNodes: string | undefined, avaArgs: string[], cleanup: Cleanup): Promise<{ nodes: string; label: string } | undefined> {
  if (!needsCluster(avaArgs)) return undefined;
  if (envNodes) {
    const first = envNodes.split(',')[0]!.trim();
    try {
      await waitUntilAnswers(() => pingRedis(`redis://${first}`), { timeoutMs: 10_000 });
    } catch (error) {
      throw new Error(`TEST_REDIS_CLUSTER_NODES (${first}) does not answer: ${errorMessage(error)}`);
    }
    return { nodes: envNodes, label: `TEST_REDIS_CLUSTER_NODES ${envNodes}` };
  }
  try {
    return await startPrivateCluster(cleanup);
  } catch (error) {
    if (cleanup.isClosing) return undefined;
    console.error(`npm test: could not start a private Redis Cluster: ${errorMessage(error)}`);
    return undefined;
  }
}
