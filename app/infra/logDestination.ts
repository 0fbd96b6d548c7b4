import { write, writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** Characters of log lines gathered before one write (about 2000 access lines): fewer, larger writes measured cheaper. */
export const LOG_BUFFER_BYTES = 512 * 1024;
/** The longest a line waits when the server is quiet. */
export const LOG_FLUSH_MS = 100;
/**
 * Lines waiting behind a slow or stuck stdout (a full pipe nobody reads) are kept up to this
 * much; past it, new lines are dropped and counted, and a line saying how many goes out with the
 * next write, so a stuck log costs bounded memory and never the server.
 */
export const LOG_BACKLOG_BYTES = 16 * 1024 * 1024;
const RETRY_MS = 10;

export type LogDestination = DestinationStream & { flush(cb?: (err?: Error) => void): void; flushSync(): void };

/**
 * Stdout for the logs, written asynchronously in batches. A synchronous write per line cost about
 * a third of the throughput of a server logging one access line per request; pino's own
 * asynchronous destination (sonic-boom) still cost about 15%, most of it in measuring and
 * re-concatenating its pending string on every line (docs/performance.md). Here a line is one
 * array push; a batch is joined, encoded and written once, by one `fs.write`, when it reaches
 * LOG_BUFFER_BYTES or LOG_FLUSH_MS after its first line, whichever comes first.
 *
 * Losses: the graceful stop flushes (app/main.ts), and on any other exit that runs `exit`
 * handlers (an uncaught exception, process.exit) the waiting lines are written synchronously.
 * Only a process killed outright (SIGKILL, the OOM killer) loses what was not yet written: at
 * most the last LOG_FLUSH_MS of lines or LOG_BUFFER_BYTES of them, plus the batch being written.
 */
export class BatchedLogWriter implements LogDestination {
  private lines: string[] = [];
  private size = 0;
  private dropped = 0;
  private writing = false;
  private timer: NodeJS.Timeout | null = null;
  private waiters: Array<(err?: Error) => void> = [];

  constructor(private readonly fd: number) {}

  write(line: string): void {
    if (this.size >= LOG_BACKLOG_BYTES) {
      this.dropped += 1;
      return;
    }
    this.lines.push(line);
    this.size += line.length;
    if (this.writing) return;
    if (this.size >= LOG_BUFFER_BYTES) this.writeBatch();
    else this.timer ??= setTimeout(() => this.writeBatch(), LOG_FLUSH_MS).unref();
  }

  /** Writes everything logged so far, then calls `cb`. */
  flush(cb?: (err?: Error) => void): void {
    if (cb) this.waiters.push(cb);
    if (!this.writing) this.writeBatch();
  }

  /** For exit handlers: writes the waiting lines before the process ends. */
  flushSync(): void {
    const data = this.take();
    if (!data) return;
    for (let offset = 0; offset < data.length; ) {
      try {
        offset += writeSync(this.fd, data, offset, data.length - offset);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      }
    }
  }

  private take(): Buffer | null {
    if (this.dropped > 0) {
      this.lines.push(`{"level":40,"time":${Date.now()},"msg":"the log fell behind its output: ${this.dropped} lines dropped"}\n`);
      this.dropped = 0;
    }
    if (this.lines.length === 0) return null;
    const data = Buffer.from(this.lines.join(''));
    this.lines = [];
    this.size = 0;
    return data;
  }

  private writeBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const data = this.take();
    if (!data) {
      for (const cb of this.waiters.splice(0)) cb();
      return;
    }
    this.writing = true;
    this.writeOut(data, 0);
  }

  private writeOut(data: Buffer, offset: number): void {
    write(this.fd, data, offset, data.length - offset, null, (err, written) => {
      // A non-blocking pipe that is full: the same bytes again shortly.
      if (err?.code === 'EAGAIN') return void setTimeout(() => this.writeOut(data, offset), RETRY_MS).unref();
      if (!err && offset + written < data.length) return this.writeOut(data, offset + written);
      this.writing = false;
      if (err) for (const cb of this.waiters.splice(0)) cb(err);
      // What arrived meanwhile goes out now if it is a batch or someone waits for it.
      if (this.size >= LOG_BUFFER_BYTES || this.waiters.length > 0) this.writeBatch();
      else if (this.size > 0) this.timer ??= setTimeout(() => this.writeBatch(), LOG_FLUSH_MS).unref();
    });
  }
}

/** The logs' stdout in production, flushed synchronously on any exit that runs `exit` handlers. */
export function bufferedStdout(): LogDestination {
  const stdout = new BatchedLogWriter(1);
  process.once('exit', () => stdout.flushSync());
  return stdout;
}
