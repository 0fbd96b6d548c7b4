import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { Cleanup } from './cleanup';

/**
 * Runs ava with inherited stdio and resolves with its exit code. ava is
 * registered for cleanup, newest, so an interrupt stops it before the servers
 * it is using.
 */
export async function runAva(cleanup: Cleanup, repoRoot: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const ava = spawn(join(repoRoot, 'node_modules', '.bin', 'ava'), args, { cwd: repoRoot, stdio: 'inherit', env });
  const exitCode = new Promise<number>((resolve) => {
    ava.once('error', (error) => {
      console.error(`npm test: could not run ava: ${error.message}`);
      resolve(1);
    });
    ava.once('exit', (code, signal) => resolve(code ?? signalExitCode(signal ?? 'SIGTERM')));
  });
  if (ava.pid === undefined) return exitCode;
  const release = cleanup.add({
    leftover: { kind: 'interrupt', pid: ava.pid },
    release: async () => {
      // Always SIGINT: ava stops its workers only then; on SIGTERM it dies and
      // leaves them running against servers that are about to stop.
      if (ava.exitCode === null && ava.signalCode === null) ava.kill('SIGINT');
      await exitCode;
    },
  });
  const code = await exitCode;
  await release();
  return code;
}

export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
