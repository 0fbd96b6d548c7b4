import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { withDeadline } from './eventually';

import { freePort } from '../../scripts/testServices/processes';

// One implementation for the test runner, the tests and the bench.
export { freePort };

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the server logged so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the real entry point (app/main.ts, the composition root) as a child process with exactly
 * the given environment, and waits for its "listening" log line (or, when the log level hides it,
 * for the port to answer).
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'app', 'main.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${output}`));
    }, 30_000);
    const ready = () => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve();
    };
    child.stdout!.on('data', () => {
      if (output.includes('"msg":"listening"')) ready();
    });
    // With LOG_LEVEL above info there is no "listening" line: ask the port instead. Otherwise wait
    // for the line, so that the boot's log lines are all in output() when this resolves.
    const quiet = ['warn', 'error', 'fatal', 'silent'].includes(env.LOG_LEVEL ?? 'info');
    const poll = quiet ? setInterval(() => void fetch(`${url}/health`).then(ready, () => undefined), 250) : undefined;
    void exited.then((code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`server exited with ${code}: ${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      // Bounded: a server that does not exit in time is killed and the wait fails.
      return withDeadline(exited, 30_000, `the server to exit after ${signal}`, () => child.kill('SIGKILL'));
    },
  };
}
