import type { Command } from 'ioredis';
import type Redis from 'ioredis';

/** ioredis's own message for a command past its commandTimeout; RedisHealth counts it as a timeout. */
export const TIMED_OUT_MESSAGE = 'Command timed out';

type Stamped = Command & { sentAt?: number; timedOut?: boolean };

/**
 * The request path's Redis deadline (docs/reliability.md) on one connection, kept by one timer for
 * the connection instead of one per command.
 *
 * ioredis's `commandTimeout` arms and clears a timer for every command: about 13,000 instructions
 * of a warm exact-mode request (docs/performance.md). Here each command is stamped when it is
 * sent, and a sweep every `deadline / 10` ms walks ioredis's own queue of commands on the wire,
 * oldest first, and rejects those sent at least `deadline` ago, as commandTimeout would: a
 * command fails between 1 and 1.1 deadlines after it was sent. The sweep runs only while
 * commands are on the wire and keeps no list of its own, so a command is freed as soon as ioredis
 * drops it (an earlier sweep kept its own list, held every command for the whole deadline and
 * measured slower).
 *
 * An overdue command is failed in the check phase of the same turn of the event loop, not in the
 * timers phase where the sweep runs: timers run before the loop reads its sockets, so when the
 * process itself was held up past the deadline (a saturated CPU, a long GC pause), a reply that
 * Redis sent in time is still unread when the sweep looks. Failing it then would blame Redis for
 * the process's own delay and put every instance into its fallback at once; the poll phase in
 * between reads it first.
 */
export class CommandDeadline {
  private timer: NodeJS.Timeout | null = null;
  private readonly stepMs: number;

  constructor(
    private readonly client: Redis,
    private readonly deadlineMs: number,
  ) {
    this.stepMs = Math.max(1, Math.floor(deadlineMs / 10));
  }

  /** Called for every command the client is asked to send. */
  stamp(command: Command): void {
    (command as Stamped).sentAt = performance.now();
    if (this.timer === null) this.arm();
  }

  private arm(): void {
    this.timer = setTimeout(this.sweep, this.stepMs);
    // Pending commands keep their socket (and so the process) alive; the sweep needs not.
    this.timer.unref();
  }

  private readonly sweep = (): void => {
    this.timer = null;
    const queue = this.client.commandQueue;
    const sentBefore = performance.now() - this.deadlineMs;
    let overdue: Stamped[] | null = null;
    for (let i = 0; i < queue.length; i++) {
      const command = queue.peekAt(i)!.command as Stamped;
      if (command.sentAt === undefined || command.isResolved || command.timedOut) continue;
      // Sent in order, so the first one still within its deadline ends the walk.
      if (command.sentAt > sentBefore) break;
      (overdue ??= []).push(command);
    }
    if (overdue) setImmediate(failUnanswered, overdue);
    if (queue.length > 0) this.arm();
  };
}

/** After the poll phase: what is still unanswered did not answer in time. */
function failUnanswered(commands: Stamped[]): void {
  for (const command of commands) {
    if (command.isResolved || command.timedOut) continue;
    // The reply may still come; ioredis then resolves a promise already rejected (a no-op).
    command.timedOut = true;
    command.reject(new Error(TIMED_OUT_MESSAGE));
  }
}
