import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Cleanup } from './cleanup';
import { findExecutable, freePort, startProcess, temporaryFolder } from './processes';
import { pingRedis, waitUntilAnswers } from './probes';
import type { ChosenService } from './types';

const START_TIMEOUT_MS = 60_000;

/**
 * Starts a throwaway, memory-only redis-server in a temp folder on a free port.
 * Returns undefined when redis-server is not installed; throws when it is but
 * does not come up.
 */
export async function startPrivateRedis(cleanup: Cleanup): Promise<ChosenService | undefined> {
  const server = findExecutable('redis-server');
  if (!server) return undefined;

  const dir = await mkdtemp(join(tmpdir(), 'sendook-test-redis-'));
  const releases = [cleanup.add(temporaryFolder(dir))];
  try {
    const port = await freePort();
    // No config file: the machine's redis.conf sets the system port and data dir.
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    const daemon = startProcess(server, args, join(dir, 'redis.log'));
    releases.unshift(cleanup.add(daemon));
    const url = `redis://127.0.0.1:${port}`;
    await waitUntilAnswers(() => pingRedis(url), { timeoutMs: START_TIMEOUT_MS, abortReason: daemon.exitReason });
    return { url, label: `private ${basename(server)} on 127.0.0.1:${port}` };
  } catch (error) {
    // Undo now (server first, then its folder) so the next source starts clean.
    for (const release of releases) await release();
    throw error;
  }
}
