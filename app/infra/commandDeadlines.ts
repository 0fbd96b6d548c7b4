import type { Command } from 'ioredis';

/**
 * The request path's Redis deadline (contract section 7: no request waits more than ~100 ms on
 * Redis), kept by one sweep for all pending commands instead of ioredis's `commandTimeout`, which
 * arms and clears a timer for every command: on the warm /v1 path (one command per request) that
 * timer pair was a measurable part of the API's own CPU per request (docs/performance.md).
 *
 * Commands are collected into generations of `stepMs`; once a generation is `timeoutMs` old, the
 * commands in it that have not been answered fail with ioredis's own "Command timed out" error
 * (what RedisHealth counts as a timeout). A command therefore fails between `timeoutMs` and
 * `timeoutMs + stepMs` after it was sent. The sweep runs only while commands are in flight or
 * recently were, and never keeps the process alive.
 */
export class CommandDeadlines {
  private readonly stepMs: number;
  private readonly generations: number;
  private current: Command[] = [];
  private readonly aging: Command[][] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(timeoutMs: number, stepMs = Math.max(1, Math.ceil(timeoutMs / 10))) {
    this.stepMs = stepMs;
    this.generations = Math.max(1, Math.ceil(timeoutMs / stepMs));
  }

  track(command: Command): void {
    this.current.push(command);
    if (this.timer === null) this.timer = setInterval(() => this.sweep(), this.stepMs).unref();
  }

  /** Commands tracked and not yet swept (answered or not): for tests. */
  get tracked(): number {
    return this.current.length + this.aging.reduce((n, g) => n + g.length, 0);
  }

  /** Whether the sweep's interval is armed: for tests. */
  get running(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private sweep(): void {
    this.aging.push(this.current);
    this.current = [];
    if (this.aging.length > this.generations) {
      for (const command of this.aging.shift()!) {
        // A command that failed otherwise (connection lost) is not resolved either; rejecting a
        // settled promise again is a no-op.
        if (!command.isResolved) command.reject(new Error('Command timed out'));
      }
    }
    if (this.aging.every((g) => g.length === 0)) {
      this.aging.length = 0;
      this.stop();
    }
  }
}
