import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, closeSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename, delimiter, join } from 'node:path';
import type { Cleanup, Resource } from './cleanup';

// Server binaries live in sbin, which is often missing from a non-root PATH.
const EXTRA_BIN_DIRS = ['/usr/sbin', '/usr/local/sbin'];
const STOP_GRACE_MS = 10_000;

/** Absolute path of an executable on PATH (plus the sbin folders), or undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_BIN_DIRS];
  for (const dir of dirs.filter((d) => d !== '')) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}

/** A port that was free a moment ago; the kernel picks it, so parallel runs do not collide. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the allocated port'));
      });
    });
  });
}

/** Runs a command to completion; rejects with its output when it fails or times out. */
export function runCommand(file: string, args: string[], options: { cwd?: string; timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: options.cwd, timeout: options.timeoutMs, maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const how = error.killed ? `timed out after ${options.timeoutMs / 1000}s` : `exited with ${error.code ?? 'an error'}`;
      const output = tail(`${stdout}${stderr}`);
      reject(new Error(`\`${basename(file)} ${args.join(' ')}\` ${how}${output ? `:\n${output}` : ''}`));
    });
  });
}

/** A process started by us, with its output in a log file. */
export interface TrackedProcess extends Resource {
  /** Why the process is gone (with the end of its log), or undefined while it runs. */
  exitReason(): string | undefined;
  /** Resolves with the exit code (null when killed by a signal or never started). */
  exited: Promise<number | null>;
}

export function startProcess(file: string, args: string[], logPath: string): TrackedProcess {
  const logFd = openSync(logPath, 'a');
  // Own process group: a terminal Ctrl-C reaches only us and ava, and we stop
  // the servers ourselves once ava has finished with them. It also lets us
  // stop helpers that the command forks (mariadb-install-db runs mariadbd).
  const child = spawn(file, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const { pid } = child;
  child.on('error', () => undefined); // the missing pid below already reports it
  if (pid === undefined) throw new Error(`${file} could not be started`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    exited,
    leftover: { kind: 'group', pid },
    exitReason: () => {
      if (!hasExited(child)) return undefined;
      return `${basename(file)} exited (${child.exitCode ?? child.signalCode}):\n${tail(readLog(logPath))}`;
    },
    release: () => stopGroup(pid),
  };
}

/** Runs a command to completion, stopped like a server if the run is interrupted first. */
export async function runToCompletion(cleanup: Cleanup, file: string, args: string[], logPath: string, timeoutMs: number): Promise<void> {
  const command = startProcess(file, args, logPath);
  const release = cleanup.add(command);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void release();
  }, timeoutMs);
  const code = await command.exited;
  clearTimeout(timer);
  await release();
  if (timedOut) throw new Error(`${basename(file)} did not finish within ${timeoutMs / 1000}s`);
  if (code !== 0) throw new Error(command.exitReason() ?? `${basename(file)} failed`);
}

/** A folder deleted on release, even if the run is interrupted. */
export function temporaryFolder(path: string): Resource {
  return {
    release: () => rm(path, { recursive: true, force: true }),
    leftover: { kind: 'dir', path },
  };
}

/**
 * SIGTERM for a clean shutdown, SIGKILL if the group ignores it. Waits for the
 * whole group, not just the leader: a helper that is still writing would make
 * deleting its folder fail.
 */
async function stopGroup(pid: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  if (await groupGone(pid, STOP_GRACE_MS)) return;
  signalGroup(pid, 'SIGKILL');
  await groupGone(pid, STOP_GRACE_MS);
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the whole group is gone.
  }
}

async function groupGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pid, 0)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Last lines of a log: enough to see the error without flooding the terminal. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
