import { createConnection } from 'mysql2/promise';
import { Redis } from 'ioredis';

const PROBE_TIMEOUT_MS = 2000;

/**
 * Resolves once the server completes a MySQL handshake and answers a query.
 * A bare TCP connect is not enough: a port can be open while the server is
 * still initialising, or belong to something that is not MySQL at all.
 */
export async function pingMysql(url: string): Promise<void> {
  const connection = await createConnection({ uri: url, connectTimeout: PROBE_TIMEOUT_MS });
  try {
    await connection.query('SELECT 1');
  } finally {
    connection.destroy();
  }
}

/** Resolves once the server answers PING with PONG. */
export async function pingRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
    // One attempt per probe: the caller decides whether and how long to retry.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // Failures surface through connect()/ping(); without a listener ioredis
  // would also print "Unhandled error event" for every refused probe.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const reply = await client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${JSON.stringify(reply)}`);
  } finally {
    client.disconnect();
  }
}

/** True when the probe succeeds once; used for servers that should already be up. */
export async function answers(probe: () => Promise<void>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch {
    return false;
  }
}

export interface WaitOptions {
  timeoutMs: number;
  /** Returns why waiting is pointless (e.g. the server process exited), to fail fast. */
  abortReason?: () => string | undefined;
}

/** Retries the probe until it succeeds; rejects with the last probe error on timeout. */
export async function waitUntilAnswers(probe: () => Promise<void>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const reason = options.abortReason?.();
    if (reason !== undefined) throw new Error(reason);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no answer after ${options.timeoutMs / 1000}s: ${errorMessage(lastError)}`);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
