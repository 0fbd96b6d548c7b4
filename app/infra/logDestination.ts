import { writeSync, writev } from 'node:fs';
import type { DestinationStream } from 'pino';

/** Bytes of log lines gathered before one write (about 2000 access lines): fewer, larger writes measured cheaper. */
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
 * re-concatenating its pending string on every line (docs/performance.md). Here a line is encoded
 * at once into a batch buffer outside the JS heap, so the string dies young and the garbage
 * collector never copies waiting lines; a batch goes out with one `fs.writev` (with any batches
 * that filled meanwhile) when it is full or LOG_FLUSH_MS after its first line, whichever comes
 * first.
 *
 * Losses: the graceful stop flushes (app/main.ts), and on any other exit that runs `exit`
 * handlers (an uncaught exception, process.exit) the waiting lines are written synchronously.
 * Only a process killed outright (SIGKILL, the OOM killer) loses what was not yet written: at
 * most the last LOG_FLUSH_MS of lines or LOG_BUFFER_BYTES of them, plus the batch being written and
 * any that filled behind it.
 */
export class BatchedLogWriter implements LogDestination {
  /** The batch being filled, and how many of its bytes hold lines. */
  private batch: Buffer = Buffer.allocUnsafeSlow(LOG_BUFFER_BYTES);
  private used = 0;
  /** Batches that filled while a write was running, oldest first. */
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  /** A written batch's memory, kept for the next batch. */
  private spare: Buffer | null = null;
  private dropped = 0;
  private writing = false;
  private timer: NodeJS.Timeout | null = null;
  private waiters: Array<(err?: Error) => void> = [];

  constructor(private readonly fd: number) {}

  write(line: string): void {
    if (this.queuedBytes >= LOG_BACKLOG_BYTES) {
      this.dropped += 1;
      return;
    }
    // A UTF-16 code unit takes at most 3 bytes of UTF-8: with that much room the line fits whole.
    if (LOG_BUFFER_BYTES - this.used < line.length * 3) this.seal();
    if (line.length * 3 <= LOG_BUFFER_BYTES) this.used += this.batch.write(line, this.used);
    else this.queue(Buffer.from(line)); // longer than any batch: it goes out on its own
    if (this.writing) return;
    if (this.queued.length > 0) this.writeBatch();
    else this.timer ??= setTimeout(() => this.writeBatch(), LOG_FLUSH_MS).unref();
  }

  /** Writes everything logged so far, then calls `cb`. */
  flush(cb?: (err?: Error) => void): void {
    if (cb) this.waiters.push(cb);
    if (!this.writing) this.writeBatch();
  }

  /** For exit handlers: writes the waiting lines before the process ends. */
  flushSync(): void {
    for (const data of this.take()) {
      for (let offset = 0; offset < data.length; ) {
        try {
          offset += writeSync(this.fd, data, offset, data.length - offset);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
        }
      }
    }
  }

  private queue(data: Buffer): void {
    this.queued.push(data);
    this.queuedBytes += data.length;
  }

  /** Moves the batch being filled to the queue and starts a new one. */
  private seal(): void {
    if (this.used === 0) return;
    this.queue(this.batch.subarray(0, this.used));
    this.batch = this.spare ?? Buffer.allocUnsafeSlow(LOG_BUFFER_BYTES);
    this.spare = null;
    this.used = 0;
  }

  private take(): Buffer[] {
    this.seal();
    if (this.dropped > 0) {
      this.queue(Buffer.from(`{"level":40,"time":${Date.now()},"msg":"the log fell behind its output: ${this.dropped} lines dropped"}\n`));
      this.dropped = 0;
    }
    const data = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    return data;
  }

  private writeBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const data = this.take();
    if (data.length === 0) {
      for (const cb of this.waiters.splice(0)) cb();
      return;
    }
    this.writing = true;
    this.writeOut(data);
  }

  private writeOut(data: Buffer[]): void {
    writev(this.fd, data, (err, written) => {
      // A non-blocking pipe that is full: the same bytes again shortly.
      if (err?.code === 'EAGAIN') return void setTimeout(() => this.writeOut(data), RETRY_MS).unref();
      if (!err) {
        const rest = unwritten(data, written);
        if (rest.length > 0) return this.writeOut(rest);
      }
      this.keepSpare(data[0]!);
      this.writing = false;
      if (err) for (const cb of this.waiters.splice(0)) cb(err);
      // What arrived meanwhile goes out now if it is a batch or someone waits for it.
      if (this.queued.length > 0 || this.waiters.length > 0) this.writeBatch();
      else if (this.used > 0) this.timer ??= setTimeout(() => this.writeBatch(), LOG_FLUSH_MS).unref();
    });
  }

  /** A written batch's memory serves the next batch instead of a new allocation. */
  private keepSpare(written: Buffer): void {
    if (this.spare || written.byteOffset !== 0 || written.buffer.byteLength !== LOG_BUFFER_BYTES) return;
    this.spare = Buffer.from(written.buffer);
  }
}

/** What is left of `data` after its first `written` bytes went out. */
function unwritten(data: Buffer[], written: number): Buffer[] {
  let skip = written;
  let i = 0;
  while (i < data.length && skip >= data[i]!.length) skip -= data[i++]!.length;
  if (i === data.length) return [];
  return [data[i]!.subarray(skip), ...data.slice(i + 1)];
}

/** The logs' stdout in production, flushed synchronously on any exit that runs `exit` handlers. */
export function bufferedStdout(): LogDestination {
  const stdout = new BatchedLogWriter(1);
  process.once('exit', () => stdout.flushSync());
  return stdout;
}
