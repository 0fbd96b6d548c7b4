import type { ServiceName } from './types';
import { findExecutable, runCommand } from './processes';

// Host ports published by docker-compose.yml, kept off 3306/6379 so the
// containers never clash with servers installed on the machine.
export const DOCKER_URLS: Record<ServiceName, string> = {
  mysql: 'mysql://root@127.0.0.1:13306',
  redis: 'redis://127.0.0.1:16379',
};

/** True when docker is installed and its daemon answers (a client alone cannot start containers). */
export async function canUseDocker(): Promise<boolean> {
  const docker = findExecutable('docker');
  if (!docker) return false;
  try {
    await runCommand(docker, ['info'], { timeoutMs: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts one compose service in the background. The containers are left
 * running afterwards: `up -d` reuses them next run, and `docker compose down`
 * stops them.
 */
export async function composeUp(service: ServiceName, repoRoot: string): Promise<void> {
  await runCommand('docker', ['compose', 'up', '-d', service], { cwd: repoRoot, timeoutMs: 300_000 });
}
