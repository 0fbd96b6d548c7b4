import { spawn, type ChildProcess } from 'node:child_process';

/** What must be undone if this script dies before its own cleanup runs. */
export type Leftover =
  | { kind: 'group'; pid: number } // a server and anything it forked: SIGKILL
  | { kind: 'interrupt'; pid: number } // ava: SIGINT is how it stops its workers
  | { kind: 'dir'; path: string };

/*
 * Runs in its own process, so it is plain JavaScript. It reads track/untrack
 * lines on stdin; stdin closes when the test script exits for any reason,
 * including SIGKILL, and then it kills the process groups and deletes the
 * folders still tracked. After a normal cleanup nothing is tracked.
 */
const GUARDIAN_SOURCE = `
const { rmSync } = require('node:fs');
const tracked = new Map();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let end = pending.indexOf('\\n'); end !== -1; end = pending.indexOf('\\n')) {
    const { op, leftover } = JSON.parse(pending.slice(0, end));
    pending = pending.slice(end + 1);
    const key = JSON.stringify(leftover);
    if (op === 'track') tracked.set(key, leftover); else tracked.delete(key);
  }
});
process.stdin.on('end', () => {
  const all = [...tracked.values()];
  for (const item of all) {
    try {
      if (item.kind === 'group') process.kill(-item.pid, 'SIGKILL');
      if (item.kind === 'interrupt') process.kill(item.pid, 'SIGINT');
    } catch {}
  }
  // Give killed servers a moment to die before deleting the files they hold.
  setTimeout(() => {
    for (const item of all) if (item.kind === 'dir') rmSync(item.path, { recursive: true, force: true });
  }, all.length > 0 ? 500 : 0);
});
`;

/**
 * Backstop for the graceful cleanup: tsx SIGKILLs this script when a relayed
 * signal is not acknowledged within 30 ms, and no handler runs after SIGKILL.
 */
export class Guardian {
  private process: ChildProcess | undefined;

  track(leftover: Leftover): void {
    this.send('track', leftover);
  }

  untrack(leftover: Leftover): void {
    this.send('untrack', leftover);
  }

  private send(op: 'track' | 'untrack', leftover: Leftover): void {
    this.process ??= startGuardian();
    this.process.stdin?.write(`${JSON.stringify({ op, leftover })}\n`);
  }
}

function startGuardian(): ChildProcess {
  // Detached: its own session, so neither Ctrl-C nor a closing terminal stops it first.
  const child = spawn(process.execPath, ['-e', GUARDIAN_SOURCE], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  // If it died, the graceful cleanup still works; EPIPE must not crash the run.
  child.stdin?.on('error', () => undefined);
  child.unref();
  return child;
}
