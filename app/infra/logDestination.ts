import pino, { type DestinationStream } from 'pino';

/** Bytes of log lines gathered before one write to stdout (about 30 access lines). */
export const LOG_BUFFER_BYTES = 8 * 1024;
/** The longest a line waits in the buffer when the server is quiet. */
export const LOG_FLUSH_MS = 100;

/**
 * Stdout for the logs, written asynchronously in batches: a synchronous write per line cost
 * about a third of the throughput of a server logging one access line per request
 * (docs/performance.md). Lines are gathered up to LOG_BUFFER_BYTES, and written at the latest
 * LOG_FLUSH_MS after they were logged. The graceful stop flushes (app/main.ts), and pino writes
 * the rest synchronously when the process exits (an uncaught exception, process.exit); only a
 * process killed outright (SIGKILL, the OOM killer) loses the lines not yet written: at most
 * LOG_BUFFER_BYTES or LOG_FLUSH_MS of them, plus any write the disk has not finished.
 */
export function bufferedStdout(): DestinationStream & { flush(cb?: (err?: Error) => void): void } {
  const stream = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  setInterval(() => stream.flush(), LOG_FLUSH_MS).unref();
  return stream;
}
